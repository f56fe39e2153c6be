package dev.owui.backup.repo.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.BackupWriter;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.pages.PageMap;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.pages.Run;
import dev.owui.backup.repo.pages.Runs;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Format 3 restore and verify on a local folder; also what does not depend on the store
 * (readData subsets, partial restore, dropping a damage record once repaired), run here only.
 */
class LocalRepoRestoreTest extends RepoRestoreContract {
    @Override
    ObjectStore openStore() {
        return new LocalObjectStore(tmp.resolve("target"));
    }

    /** A backup of {@code n} small distinct files; returns the objects it names. */
    Set<String> manyFiles(int n) {
        TreeMap<String, Entry> entries = new TreeMap<>(PathOrder.INSTANCE);
        Random r = new Random(11);
        Instant t = Instant.parse("2026-11-21T08:00:00Z");
        entries.put("uploads", Entry.dir("uploads", t, "rwx------"));
        Set<String> objects = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[64];
            r.nextBytes(b);
            String path = "uploads/f" + i;
            ObjectRef o = repo.objectWriter().put(b, Storage.PLAIN, CodecSettings.plain(), path);
            entries.put(path, Entry.file(path, o.size(), o.sha256(), t, "rw-r--r--", Storage.PLAIN, o.name(), o.storedSize()));
            objects.add(o.name());
        }
        try (RepoLock lock = repo.lock(true, "owui:backup")) {
            BackupWriter w = repo.backups().writer(lock, CodecSettings.plain(), storage(CodecSettings.plain()), null, Set.of());
            entries.values().forEach(w::add);
            w.finish(BackupHead.of("test", "open-webui", "20261121T080000Z", "host", "/data", "live", t, t.plusSeconds(1), null,
                    new Manifest.Totals(n, 0, 0, 0), storage(CodecSettings.plain())));
        }
        return objects;
    }

    Set<String> readBy(ReadData rd) {
        Set<String> read = new HashSet<>();
        RepoVerify.Result v = new RepoVerify(repo).onObjectRead(read::add).run(new RepoVerify.Options(null, rd, null, false));
        assertEquals(List.of(), v.problems());
        assertEquals(read.size(), v.objectsRead(), "each object read once");
        return read;
    }

    @Test
    void readDataSubsetsReadTheirShareAndTRunsOfNOverTReadEveryObjectOnce() {
        Set<String> all = manyFiles(400);
        Set<String> union = new HashSet<>();
        int t = 4;
        for (int n = 1; n <= t; n++) {
            Set<String> part = readBy(ReadData.parse(n + "/" + t, null));
            assertTrue(part.size() > 400 / t / 2 && part.size() < 400 / t * 2, n + "/" + t + " read " + part.size());
            for (String name : part) {
                int firstByte = Integer.parseInt(name.substring(0, 2), 16);
                assertEquals(n - 1, firstByte * t / 256, name + " in the " + n + "th range");
                assertTrue(union.add(name), name + " read twice over the " + t + " runs");
            }
        }
        assertEquals(all, union);

        LocalDate day = LocalDate.of(2026, 11, 28);
        Set<String> tenPercent = readBy(ReadData.parse("10%", day));
        assertTrue(tenPercent.size() >= 20 && tenPercent.size() <= 65, "10% of 400 read " + tenPercent.size());
        assertEquals(tenPercent, readBy(ReadData.parse("10%", day)), "the same day picks the same objects");
        assertNotEquals(tenPercent, readBy(ReadData.parse("10%", day.plusDays(1))), "another day picks others");
        assertEquals(all, readBy(ReadData.parse("all", null)));
        assertEquals(Set.of(), readBy(ReadData.parse("none", null)));
        for (String bad : List.of("0/4", "5/4", "1/300", "0%", "150%", "some")) {
            assertThrows(OwuiException.class, () -> ReadData.parse(bad, null), bad);
        }
    }

    @Test
    void aParallelRestoreIsByteIdenticalAndReadsFilesAndTheDatabaseAtOnce() throws Exception {
        extraFiles = 300;
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        Set<String> chunks = new HashSet<>();
        b.head().chunks().forEach(c -> chunks.add(repo.key(dev.owui.backup.repo.objects.ObjectNames.relativeKey(c.object()))));
        store.slow = k -> k.contains("objects/") && !chunks.contains(k); // contents and layers, not the entries
        store.readDelayMillis = 20;
        Path out = tmp.resolve("out");
        RepoRestore.Result r = new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null, null, 4));
        assertEquals(b.entries().values().stream().filter(e -> e.type().equals(Entry.FILE) || e.type().equals(Entry.SQLITE)).count(),
                r.files());
        assertTrue(store.mostInFlight.get() >= 3, "reads overlap: " + store.mostInFlight.get());
        assertArrayEquals(Files.readAllBytes(b.lastImage()), Files.readAllBytes(out.resolve("webui.db")));
        Files.delete(out.resolve("webui.db"));
        assertSameTree(b.src(), out);

        // one thread: the same result, one content read at a time
        store.mostInFlight.set(0);
        Path one = tmp.resolve("one");
        new RepoRestore(repo).run(new RepoRestore.Options(null, one, null, null, null, 1));
        assertEquals(1, store.mostInFlight.get());
        Files.delete(one.resolve("webui.db"));
        assertSameTree(b.src(), one);
    }

    @Test
    void aDamagedFileAmongManyStopsAParallelRestoreAndLeavesNothing() throws Exception {
        extraFiles = 300;
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        String path = "uploads/many/3/f150.bin";
        flipAByte(b.entry(path).object());
        Path out = Files.createDirectories(tmp.resolve("out"));
        OwuiException e = assertThrows(OwuiException.class, () -> new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null, null, 4)));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains(b.entry(path).object()), e.getMessage());
        assertEquals(List.of(), children(out), "nothing half-restored, no staging left");
    }

    @Test
    void aPartialRestoreWritesOnlyTheChosenPathsAndNamesAPatternThatMatchesNothing() throws Exception {
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        Path out = tmp.resolve("out");
        new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null, List.of("uploads/*.pdf", "vector_db")));
        assertEquals(List.of("uploads", PDF, "vector_db", "vector_db/link"), relative(out));
        assertArrayEquals(Files.readAllBytes(b.src().resolve(PDF)), Files.readAllBytes(out.resolve(PDF)));

        Path other = tmp.resolve("other");
        OwuiException e = assertThrows(OwuiException.class,
                () -> new RepoRestore(repo).run(new RepoRestore.Options(null, other, null, null, List.of("uploads/report final (v3).pdf"))));
        assertTrue(e.getMessage().contains("matches nothing"), e.getMessage());
        assertTrue(e.remedy().contains(PDF), e.remedy());
        assertFalse(Files.exists(other));
    }

    @Test
    void aRepairedPageSetIsReadIntactByTheNextVerifyWhichDropsTheRecord() throws Exception {
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        Entry db = b.entry("webui.db");
        String pageSet = db.layers().get(1).object();
        flipAByte(pageSet);
        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, true));
        assertEquals(Set.of(pageSet), repo.damage().damagedNames());

        // what the next backup would do: store the same pages again under the same name
        Path image2 = tmp.resolve("db/image2");
        List<Run> runs = Runs.ofAscending(PageMap.of(tmp.resolve("db/image1")).changedIn(PageMap.of(image2)));
        Path content = tmp.resolve("pageset");
        try (OutputStream out = Files.newOutputStream(content)) {
            PageSets.write(image2, 4096, runs, out);
        }
        try (RepoLock lock = repo.lock(true, "owui:backup")) {
            repo.damage().repairObject(lock, pageSet, content, Storage.ZSTD, CodecSettings.zstd(3));
        }
        RepoVerify.Result again = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, true));
        assertEquals(List.of(), again.problems());
        assertEquals(1, again.recordsDropped());
        assertEquals(Set.of(), repo.damage().damagedNames());
        Path out = tmp.resolve("out");
        new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null));
        assertArrayEquals(Files.readAllBytes(b.lastImage()), Files.readAllBytes(out.resolve("webui.db")));
        assertTrue(v.problems().size() == 1);
    }
}
