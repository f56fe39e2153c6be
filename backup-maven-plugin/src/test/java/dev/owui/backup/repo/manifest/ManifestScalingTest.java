package dev.owui.backup.repo.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestScalingTest {
    @TempDir
    Path dir;

    /** The char-wise fast path of PathOrder gives what comparing UTF-8 bytes ('/' lowest) gives. */
    @Test
    void pathOrderAgreesWithItsByteDefinition() {
        Random r = new Random(9);
        String[] parts = {"a", "b", "/", ".", "-", "é", "é/", "😀", "\uffff", "\u0080", "Z", " ", "\u007f"};
        for (int i = 0; i < 100_000; i++) {
            String a = random(r, parts);
            String b = r.nextInt(4) == 0 ? a + random(r, parts) : random(r, parts);
            assertEquals(Integer.signum(bytewise(a, b)), Integer.signum(PathOrder.INSTANCE.compare(a, b)), a + " vs " + b);
            assertEquals(Integer.signum(bytewise(b, a)), Integer.signum(PathOrder.INSTANCE.compare(b, a)), b + " vs " + a);
        }
    }

    private static String random(Random r, String[] parts) {
        StringBuilder s = new StringBuilder();
        for (int k = r.nextInt(5); k >= 0; k--) {
            s.append(parts[r.nextInt(parts.length)]);
        }
        return s.toString();
    }

    private static int bytewise(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i] == '/' ? -1 : x[i] & 0xff, y[i] == '/' ? -1 : y[i] & 0xff);
            }
        }
        return Integer.compare(x.length, y.length);
    }

    @Test
    void pathOrderIsTheOrderOfASortedDepthFirstWalk() throws IOException {
        Random r = new Random(7);
        String[] parts = {"a", "a.txt", "a-b", "b", "é", "Z", "a b", "0", "uploads", "x_y"};
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder p = new StringBuilder();
            int depth = 1 + r.nextInt(3);
            for (int d = 0; d < depth; d++) {
                p.append(d == 0 ? "" : "/").append(parts[r.nextInt(parts.length)]);
            }
            Path f = dir.resolve(p.toString());
            if (Files.isDirectory(f) || Files.isDirectory(f.getParent()) || !Files.exists(f.getParent())) {
                try {
                    Files.createDirectories(f.getParent());
                    if (!Files.exists(f)) {
                        Files.createFile(f);
                    }
                } catch (IOException clash) {
                    continue; // a file where a directory was wanted: skip that one
                }
            }
        }
        List<String> walked = new ArrayList<>();
        walk(dir, "", walked);
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).forEach(made::add);
        }
        made.sort(PathOrder.INSTANCE);
        assertEquals(walked, made);
        assertTrue(PathOrder.INSTANCE.compare("a/b", "a.txt") < 0);
        assertTrue(PathOrder.INSTANCE.compare("a", "a/b") < 0);
        assertTrue(PathOrder.INSTANCE.compare("a/b", "a-b") < 0);
    }

    /** Depth-first, each directory's names sorted by their UTF-8 bytes: how the scan will walk. */
    private static void walk(Path d, String prefix, List<String> out) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(d)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        for (String n : names) {
            String rel = prefix.isEmpty() ? n : prefix + "/" + n;
            out.add(rel);
            if (Files.isDirectory(d.resolve(n))) {
                walk(d.resolve(n), rel, out);
            }
        }
    }

    private static List<String> uploads(int n, long seed) {
        Random r = new Random(seed);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            paths.add("uploads/" + new java.util.UUID(r.nextLong(), r.nextLong()) + "_file-" + i + ".pdf");
        }
        paths.sort(PathOrder.INSTANCE);
        return paths;
    }

    private static List<String> chunkHashes(List<String> paths, List<Integer> sizes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<String> hashes = new ArrayList<>();
        try (EntryChunker c = new EntryChunker((bytes, entries, first) -> {
            hashes.add(HexFormat.of().formatHex(sha.digest(bytes)));
            sizes.add(entries);
        })) {
            for (String p : paths) {
                c.add(p, "{\"path\":\"" + p + "\",\"size\":1}");
            }
        }
        return hashes;
    }

    @Test
    void oneAddedUploadChangesOneChunkOfAHundredThousandEntries() throws Exception {
        List<String> before = uploads(100_000, 1);
        List<Integer> sizes = new ArrayList<>();
        List<String> a = chunkHashes(before, sizes);
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        assertEquals(100_000, total);
        assertTrue(sizes.stream().allMatch(s -> s <= EntryChunker.MAX_ENTRIES));
        assertTrue(sizes.subList(0, sizes.size() - 1).stream().allMatch(s -> s >= EntryChunker.MIN_ENTRIES));
        assertTrue(a.size() > 50 && a.size() < 200, "about 1,000 entries a chunk: " + a.size() + " chunks");

        List<String> after = new ArrayList<>(before);
        after.add("uploads/7f000000-0000-0000-0000-000000000000_new.pdf");
        after.remove(31_337);
        after.sort(PathOrder.INSTANCE);
        List<String> b = chunkHashes(after, new ArrayList<>());
        Set<String> old = new HashSet<>(a);
        long fresh = b.stream().filter(h -> !old.contains(h)).count();
        assertTrue(fresh <= 4, "one insert and one removal rewrite at most a few chunks, not " + fresh + " of " + b.size());
    }

    @Test
    void repeatedOrUnsortedPathsAreRefused() throws Exception {
        try (EntryChunker c = new EntryChunker((b, n, f) -> { })) {
            c.add("uploads/r-\uFFFD.txt", "{}");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.add("uploads/r-\uFFFD.txt", "{}"));
            assertTrue(e.getMessage().contains("same path"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.add("uploads/a", "{}"));
            assertThrows(IllegalArgumentException.class, () -> c.add("uploads/z", "{\n}"));
        }
    }

    @Test
    void theMergeWalksBothSidesOnceAndPairsEqualKeys() {
        Random r = new Random(3);
        TreeMap<String, int[]> expected = new TreeMap<>(PathOrder.INSTANCE);
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String k = "d" + r.nextInt(40) + "/f" + r.nextInt(300);
            expected.computeIfAbsent(k, x -> new int[2]);
        }
        for (String k : expected.keySet()) {
            int side = r.nextInt(3);
            if (side != 1) {
                left.add(k);
                expected.get(k)[0] = 1;
            }
            if (side != 0) {
                right.add(k);
                expected.get(k)[1] = 1;
            }
        }
        Iterator<SortedMerge.Pair<String, String>> m = new SortedMerge<>(left.iterator(), s -> s, right.iterator(), s -> s, PathOrder.INSTANCE);
        List<String> keys = new ArrayList<>();
        while (m.hasNext()) {
            SortedMerge.Pair<String, String> p = m.next();
            keys.add(p.key());
            assertEquals(expected.get(p.key())[0] == 1, p.left() != null, p.key());
            assertEquals(expected.get(p.key())[1] == 1, p.right() != null, p.key());
        }
        assertEquals(new ArrayList<>(expected.keySet()), keys);

        Iterator<SortedMerge.Pair<String, String>> bad = new SortedMerge<>(List.of("b", "a").iterator(), s -> s,
                List.<String>of().iterator(), s -> s, PathOrder.INSTANCE);
        assertThrows(IllegalStateException.class, () -> {
            while (bad.hasNext()) {
                bad.next();
            }
        });
    }
}
