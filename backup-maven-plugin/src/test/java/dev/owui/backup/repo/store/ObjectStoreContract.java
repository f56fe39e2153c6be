package dev.owui.backup.repo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules every {@link ObjectStore} keeps, run against each store over the real thing (a
 * folder, OpenSSH's sshd, S3Proxy). The repository above relies on exactly these.
 */
abstract class ObjectStoreContract {
    @TempDir
    Path tmp;
    ObjectStore store;

    /** Opens a store on an empty root (called before each test). */
    abstract ObjectStore open() throws Exception;

    /** The file holding {@code key} on this machine, for stores whose files are local (local, SFTP); null for S3. */
    abstract Path fileOf(String key);

    /** Leaves exactly what a write killed before publishing leaves behind for {@code key}. */
    abstract void leaveKilledWrite(String key, byte[] partial) throws Exception;

    /** Whether this store offers hard links. */
    abstract boolean hasHardLinks();

    /**
     * Runs {@code write} (a large write) and cuts the store's server off in the middle of it:
     * returns what the write threw, and the server serves again afterwards. Stores without a
     * server (local) skip: a process killed mid-write is {@link #leaveKilledWrite}.
     */
    RuntimeException cutDuring(Runnable write) throws Exception {
        assumeTrue(false, "no server to cut off: a killed local write is what leaveKilledWrite leaves");
        return null;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    Path file(String name, byte[] content) throws IOException {
        Path p = tmp.resolve("src").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    byte[] readAll(String key) throws IOException {
        try (InputStream in = store.read(key)) {
            return in.readAllBytes();
        }
    }

    byte[] readRange(String key, long offset, long length) throws IOException {
        try (InputStream in = store.read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    List<String> keys(String prefix) {
        return store.listAll(prefix).stream().map(StoreStat::key).toList();
    }

    @Test
    void writesAndReadsBackSmallEmptyAndLargeObjectsFromFilesAndBytes() throws Exception {
        byte[] small = "a head, a lock, a chunk".getBytes(StandardCharsets.UTF_8);
        byte[] large = random(20 << 20, 1); // above S3's single-PUT size: a multipart upload there
        assertTrue(store.writeIfAbsent("objects/sm/small", small));
        assertTrue(store.writeIfAbsent("objects/em/empty", new byte[0]));
        assertTrue(store.writeIfAbsent("objects/la/large", file("large", large)));
        assertTrue(store.writeIfAbsent("objects/em/empty-file", file("empty", new byte[0])));
        assertTrue(store.writeIfAbsent("objects/la/large-bytes", large));

        assertArrayEquals(small, readAll("objects/sm/small"));
        assertArrayEquals(new byte[0], readAll("objects/em/empty"));
        assertArrayEquals(new byte[0], readAll("objects/em/empty-file"));
        assertArrayEquals(large, readAll("objects/la/large"));
        assertArrayEquals(large, readAll("objects/la/large-bytes"));
        assertEquals(large.length, store.stat("objects/la/large").orElseThrow().size());
        assertEquals(0, store.stat("objects/em/empty").orElseThrow().size());
        if (fileOf("objects/sm/small") != null) {
            assertArrayEquals(small, Files.readAllBytes(fileOf("objects/sm/small")), "a key is a plain file at its path");
        }
    }

    @Test
    void aSecondWriteOfTheSameKeyReturnsFalseAndLeavesTheFirstContent() throws Exception {
        assertTrue(store.writeIfAbsent("backups/20261126T074802Z.json", "first".getBytes()));
        assertFalse(store.writeIfAbsent("backups/20261126T074802Z.json", "second, longer".getBytes()));
        assertFalse(store.writeIfAbsent("backups/20261126T074802Z.json", file("second", "from a file".getBytes())));
        assertArrayEquals("first".getBytes(), readAll("backups/20261126T074802Z.json"));
        assertEquals(List.of("backups/20261126T074802Z.json"), keys(""), "the refused writes left nothing behind");
    }

    /** Small, so the writers reach the publishing step together (a large one spreads them out). */
    static final int RACE_SIZE = 64;

    @Test
    void racingWritersOfOneKeyStoreItOnce() throws Exception {
        int writers = 8;
        int rounds = 5; // a race is won or lost by microseconds: several rounds make a lost one show
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<String> raced = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "objects/ra/race" + round;
                raced.add(key);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    byte[] mine = random(RACE_SIZE, 100 + i);
                    Path src = file("w" + i, mine);
                    boolean fromFile = i % 2 == 0;
                    results.add(pool.submit(() -> {
                        go.await();
                        return fromFile ? store.writeIfAbsent(key, src) : store.writeIfAbsent(key, mine);
                    }));
                }
                go.countDown();
                int winner = -1;
                for (int i = 0; i < writers; i++) {
                    if (results.get(i).get()) {
                        assertEquals(-1, winner, "two writers both stored " + key + ": " + winner + " and " + i);
                        winner = i;
                    }
                }
                assertNotEquals(-1, winner, "no writer stored " + key);
                assertArrayEquals(random(RACE_SIZE, 100 + winner), readAll(key), "the content is the winner's, whole");
            }
            assertEquals(raced, keys("objects/"), "no temp files listed, none left as objects");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void statSaysAbsentOrGivesSizeAndTime() throws Exception {
        assertEquals(Optional.empty(), store.stat("objects/ab/absent"));
        Instant before = Instant.now().minusSeconds(60);
        store.writeIfAbsent("objects/ab/present", random(1234, 2));
        StoreStat s = store.stat("objects/ab/present").orElseThrow();
        assertEquals("objects/ab/present", s.key());
        assertEquals(1234, s.size());
        assertTrue(s.mtime().isAfter(before) && s.mtime().isBefore(Instant.now().plusSeconds(60)), "mtime is about now: " + s.mtime());
        assertEquals(Optional.empty(), store.stat("objects/ab"), "a folder is no object");
        assertEquals(Optional.empty(), store.stat("objects"), "a folder is no object");
    }

    @Test
    void readsRanges() throws Exception {
        byte[] b = random(1000, 3);
        store.writeIfAbsent("objects/rr/ranged", b);
        assertArrayEquals(java.util.Arrays.copyOfRange(b, 10, 30), readRange("objects/rr/ranged", 10, 20));
        assertArrayEquals(java.util.Arrays.copyOfRange(b, 0, 1), readRange("objects/rr/ranged", 0, 1));
        assertArrayEquals(java.util.Arrays.copyOfRange(b, 990, 1000), readRange("objects/rr/ranged", 990, 100), "fewer bytes at the end");
        assertArrayEquals(new byte[0], readRange("objects/rr/ranged", 1000, 5), "none at the end");
        assertArrayEquals(new byte[0], readRange("objects/rr/ranged", 5000, 5), "none past the end");
        assertArrayEquals(new byte[0], readRange("objects/rr/ranged", 10, 0), "none asked");
        assertArrayEquals(b, readRange("objects/rr/ranged", 0, Long.MAX_VALUE >> 2), "a length beyond the end reads to the end");
        try (InputStream in = store.read("objects/rr/ranged", 100, 800)) {
            assertEquals(b[100] & 0xff, in.read(), "closing a range before its end is fine");
        }
        assertArrayEquals(b, readAll("objects/rr/ranged"), "and the store still serves");
        assertThrows(NoSuchObjectException.class, () -> store.read("objects/rr/absent"));
        assertThrows(NoSuchObjectException.class, () -> store.read("objects/rr/absent", 0, 10));
    }

    @Test
    void listsByPrefixInKeyOrderAcrossFoldersAndPages() throws Exception {
        // '-' < '.' < '/' < '0': a folder "a" sorts between "a.txt" and "a0", as S3 lists keys
        List<String> written = new ArrayList<>(List.of("x/a-b", "x/a.txt", "x/a/b", "x/a/c/d", "x/a0", "y", "locks/l1.json"));
        for (int i = 0; i < 24; i++) {
            written.add(String.format("objects/%02x/%02x%s", i % 3, i % 3, Integer.toHexString(1000 + i)));
        }
        for (String k : written) {
            assertTrue(store.writeIfAbsent(k, k.getBytes()));
        }
        List<String> sorted = written.stream().sorted().toList();
        assertEquals(sorted, keys(""), "every key, in ascending order");
        assertEquals(List.of("x/a-b", "x/a.txt", "x/a/b", "x/a/c/d", "x/a0"), keys("x/a"), "a prefix may end inside a name");
        assertEquals(List.of("x/a/b", "x/a/c/d"), keys("x/a/"));
        assertEquals(List.of("x/a.txt"), keys("x/a."));
        assertEquals(sorted.stream().filter(k -> k.startsWith("objects/01/")).toList(), keys("objects/01/"));
        assertEquals(24, keys("objects/").size());
        assertEquals(List.of(), keys("nothing/"));
        assertEquals(List.of(), keys("objects/99/"));
        for (StoreStat s : store.listAll("x/")) {
            assertEquals(s.key().length(), s.size(), "sizes come with the listing");
        }
        List<String> streamed = new ArrayList<>();
        store.list("objects/", s -> streamed.add(s.key()));
        assertEquals(keys("objects/"), streamed);
    }

    @Test
    void deletesAndDeletingAnAbsentKeyIsNoError() throws Exception {
        store.writeIfAbsent("locks/mine.json", "{}".getBytes());
        store.delete("locks/mine.json");
        assertEquals(Optional.empty(), store.stat("locks/mine.json"));
        assertEquals(List.of(), keys("locks/"));
        store.delete("locks/mine.json");
        store.delete("never/was/there");
        assertTrue(store.writeIfAbsent("locks/mine.json", "again".getBytes()), "a deleted key can be written again (damage repair)");
        assertArrayEquals("again".getBytes(), readAll("locks/mine.json"));
    }

    @Test
    void refusesKeysTheToolDoesNotMake() throws Exception {
        List<String> bad = List.of("", "/abs", "a//b", "a/", "../x", "a/../b", "a/./b", "..", ".", "sp ace", "résumé", "a~b",
                "a\\b", "a*b", "x".repeat(201), "a/" + "y".repeat(201));
        for (String k : bad) {
            assertThrows(IllegalArgumentException.class, () -> store.writeIfAbsent(k, new byte[1]), "write " + k);
            assertThrows(IllegalArgumentException.class, () -> store.stat(k), "stat " + k);
            assertThrows(IllegalArgumentException.class, () -> store.read(k), "read " + k);
            assertThrows(IllegalArgumentException.class, () -> store.delete(k), "delete " + k);
        }
        for (String p : List.of("/", "/x", "../", "a/../", "a//", "a/b c")) {
            assertThrows(IllegalArgumentException.class, () -> store.list(p, s -> { }), "list " + p);
        }
        assertEquals(List.of(), keys(""), "nothing was written");
    }

    @Test
    void objectsAre0600AndTheFoldersItMakes0700() throws Exception {
        assumeTrue(fileOf("k") != null, "S3 has no modes");
        store.writeIfAbsent("objects/ab/ab12", random(10, 4));
        store.writeIfAbsent("objects/cd/cd34", file("f", random(10, 5)));
        for (String k : List.of("objects/ab/ab12", "objects/cd/cd34")) {
            Path f = fileOf(k);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), k);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())), k);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent().getParent())), k);
        }
    }

    @Test
    void whatAKilledWriteLeftIsNeverAnObjectAndIsCleanedWhenStale() throws Exception {
        store.writeIfAbsent("objects/ab/ab01", "kept".getBytes());
        leaveKilledWrite("objects/ab/ab02", random(5000, 6));
        leaveKilledWrite("backups/20261126T074802Z.json", "{\"half".getBytes());
        assertEquals(List.of("objects/ab/ab01"), keys(""), "temps are not listed");
        assertEquals(Optional.empty(), store.stat("objects/ab/ab02"));
        assertThrows(NoSuchObjectException.class, () -> store.read("objects/ab/ab02"));

        assertEquals(0, store.removeStaleTemps(Duration.ofDays(1)), "a fresh temp may be a running write: kept");
        if (fileOf("k") != null) {
            Path root = fileOf("objects").getParent();
            try (var s = Files.walk(root)) {
                for (Path p : s.filter(p -> p.getFileName().toString().contains("~")).toList()) {
                    Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(2))));
                }
            }
            assertEquals(1, store.removeStaleTemps("objects/", Duration.ofDays(1)), "a temp two days old is stale; only under the prefix");
            assertEquals(1, store.removeStaleTemps(Duration.ofDays(1)));
        } else {
            // S3Proxy gives no upload's real start time: an age of zero takes every one
            assertEquals(1, store.removeStaleTemps("objects/", Duration.ZERO), "only under the prefix");
            assertEquals(1, store.removeStaleTemps(Duration.ZERO));
        }
        assertEquals(0, store.removeStaleTemps(Duration.ZERO));
        assertArrayEquals("kept".getBytes(), readAll("objects/ab/ab01"), "objects are never temps");
        if (fileOf("k") != null) {
            try (var s = Files.walk(fileOf("objects/ab/ab01").getParent().getParent().getParent())) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains("~")).toList(), "no temp file is left");
            }
        }
        assertTrue(store.writeIfAbsent("objects/ab/ab02", "whole".getBytes()), "the killed write's key is free");
    }

    @Test
    void hardLinksShareTheInode() throws Exception {
        assertEquals(hasHardLinks(), store.hardLinks().isPresent());
        assumeTrue(hasHardLinks(), "no hard links on this store");
        HardLinks links = store.hardLinks().orElseThrow();
        store.writeIfAbsent("objects/ab/ab99", "content".getBytes());
        String tree = "trees/20261126T074802Z/uploads/what?*[x] \\ it's résumé.txt";
        assertTrue(links.link("objects/ab/ab99", tree));
        Path object = fileOf("objects/ab/ab99");
        Path linked = object.getParent().getParent().getParent().resolve(tree);
        assertEquals(Files.getAttribute(object, "unix:ino"), Files.getAttribute(linked, "unix:ino"));
        assertEquals(2, (int) Files.getAttribute(object, "unix:nlink"));
        assertFalse(links.link("objects/ab/ab99", tree), "an existing tree file stays");
        assertThrows(NoSuchObjectException.class, () -> links.link("objects/ab/absent", "trees/x/y"));
        assertThrows(IllegalArgumentException.class, () -> links.link("objects/ab/ab99", "../escape"));
        assertThrows(IllegalArgumentException.class, () -> links.link("objects/ab/ab99", "/etc/x"));
        assertEquals(List.of("objects/ab/ab99"), keys("objects/"));
    }

    @Test
    void aWriterCutOffMidUploadLeavesNoObjectAndTheNextWriteSucceeds() throws Exception {
        byte[] large = random(20 << 20, 7);
        Path src = file("large", large);
        RuntimeException thrown = cutDuring(() -> store.writeIfAbsent("objects/cu/cut", src));
        assertTrue(thrown instanceof dev.owui.backup.OwuiException, "the operator's message, not a raw error: " + thrown);
        assertEquals(Optional.empty(), store.stat("objects/cu/cut"), "no partial object under the key");
        assertEquals(List.of(), keys(""));
        assertTrue(store.writeIfAbsent("objects/cu/cut", src), "the next write stores it");
        assertArrayEquals(large, readAll("objects/cu/cut"));
        assertEquals(1, store.removeStaleTemps(Duration.ZERO), "the cut write's leftover is collected");
        assertArrayEquals(large, readAll("objects/cu/cut"));
    }
}
