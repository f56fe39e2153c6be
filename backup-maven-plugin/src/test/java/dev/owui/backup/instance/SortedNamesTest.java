package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.repo.manifest.PathOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SortedNamesTest {
    private static final String[] PARTS = {"a", "a.txt", "a-b", "b", "é", "Z", "a b", "0", "uploads", "x_y", "😀", "\uffff", "/"};

    private static List<String> randomPaths(Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder p = new StringBuilder();
            int len = 1 + r.nextInt(4);
            for (int k = 0; k < len; k++) {
                p.append(PARTS[r.nextInt(PARTS.length)]);
            }
            out.add(p.toString());
        }
        return out;
    }

    @Test
    void sortsInPathOrderKeepsOriginsAndFindsNames() {
        Random r = new Random(11);
        List<String> in = randomPaths(r, 5000);
        SortedNames.Builder b = new SortedNames.Builder();
        in.forEach(b::add);
        SortedNames s = b.build(false);
        assertEquals(in.size(), s.size());
        List<String> expected = new ArrayList<>(in);
        expected.sort(PathOrder.INSTANCE);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            got.add(s.get(i));
            assertEquals(in.get(s.origin(i)), s.get(i), "origin of " + i);
        }
        assertEquals(expected, got);
        for (String p : in) {
            assertTrue(s.contains(p), p);
        }
        assertFalse(s.contains("not there"));
    }

    @Test
    void distinctKeepsEachNameOnce() {
        SortedNames.Builder b = new SortedNames.Builder();
        for (String n : List.of("b", "a", "b", "a/b", "a", "a.txt")) {
            b.add(n);
        }
        SortedNames s = b.build(true);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            got.add(s.get(i));
        }
        assertEquals(List.of("a", "a/b", "a.txt", "b"), got);
    }

    /** The streaming tally (a merge of sorted rows and sorted uploads) finds what the whole-set cross-check finds. */
    @Test
    void tallyFindsWhatTheCrossCheckFinds() {
        Random r = new Random(5);
        for (int round = 0; round < 20; round++) {
            List<String> rows = randomPaths(r, 300).stream().map(p -> "uploads/" + p).toList();
            TreeSet<String> uploads = new TreeSet<>(PathOrder.INSTANCE);
            randomPaths(r, 300).forEach(p -> uploads.add("uploads/" + p));
            rows.stream().limit(150).forEach(uploads::add); // half the rows have their file
            SortedNames.Builder b = new SortedNames.Builder();
            rows.forEach(b::add);
            InstanceInspector.DatabaseFacts db = new InstanceInspector.DatabaseFacts("rev", Map.of(), b.build(true), List.of());
            InstanceFacts whole = db.crossCheck(uploads);
            InstanceInspector.UploadTally t = db.tally();
            uploads.forEach(t::upload);
            InstanceFacts streamed = t.facts();
            assertEquals(whole.rowsWithoutFile(), streamed.rowsWithoutFile());
            assertEquals(whole.filesWithoutRow(), streamed.filesWithoutRow());
            TreeSet<String> rowSet = new TreeSet<>(rows);
            assertEquals(rowSet.stream().filter(x -> !uploads.contains(x)).sorted().toList(), whole.rowsWithoutFile());
            assertEquals(uploads.stream().filter(x -> !rowSet.contains(x)).sorted().toList(), whole.filesWithoutRow());
        }
    }

    @Test
    void tallyRefusesUploadsOutOfOrder() {
        SortedNames.Builder b = new SortedNames.Builder();
        InstanceInspector.UploadTally t = new InstanceInspector.DatabaseFacts("rev", Map.of(), b.build(true), List.of()).tally();
        t.upload("uploads/b");
        assertThrows(IllegalStateException.class, () -> t.upload("uploads/a"));
    }
}
