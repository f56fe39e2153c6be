package dev.owui.backup.repo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content-addressed objects are named in batches, after their bytes are synced, and always before
 * any other write (a backup's head): FORMAT.md, "Order of writes and crash safety".
 */
class LocalObjectStoreBatchTest {
    @TempDir
    Path tmp;

    private static String objectKey(int i) {
        String name = String.format("%064x", 0xabcdef00L + i);
        return "objects/" + name.substring(0, 2) + "/" + name;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void objectsAreNamedOnlyWithTheirBatchAndBeforeAnyOtherWrite() throws Exception {
        Path root = tmp.resolve("repo");
        try (LocalObjectStore store = new LocalObjectStore(root)) {
            assertTrue(store.writeIfAbsent(objectKey(1), bytes("one")));
            assertTrue(store.writeIfAbsent(objectKey(2), bytes("two")));
            assertFalse(store.writeIfAbsent(objectKey(1), bytes("one")), "the same content twice is written once");
            // Written, not yet named: a crash now leaves only temp files, which no listing shows.
            assertFalse(Files.exists(root.resolve(objectKey(1))));
            assertFalse(Files.exists(root.resolve(objectKey(2))));
            assertEquals(2, files(root).size());
            assertTrue(files(root).stream().allMatch(f -> Keys.isTemp(f.getFileName().toString())));
            assertEquals(3, store.stat(objectKey(1)).orElseThrow().size(), "a pending object is present to this run");

            // A head is written only once the objects written before it are named.
            assertTrue(store.writeIfAbsent("backups/20261128T000000Z.json", bytes("{}")));
            assertTrue(Files.exists(root.resolve(objectKey(1))));
            assertTrue(Files.exists(root.resolve(objectKey(2))));
            assertEquals(3, files(root).size(), "two objects and the head, no temp left");

            // Reading, listing and closing publish what is pending too.
            assertTrue(store.writeIfAbsent(objectKey(3), bytes("three")));
            try (InputStream in = store.read(objectKey(3))) {
                assertArrayEquals(bytes("three"), in.readAllBytes());
            }
            assertTrue(store.writeIfAbsent(objectKey(4), bytes("four")));
            assertEquals(4, store.listAll("objects/").size());
            assertTrue(store.writeIfAbsent(objectKey(5), bytes("five")));
        }
        assertTrue(Files.exists(root.resolve(objectKey(5))), "close names the last batch");
    }

    @Test
    void aBatchIsNamedWhenItIsFull() throws Exception {
        Path root = tmp.resolve("repo");
        try (LocalObjectStore store = new LocalObjectStore(root)) {
            for (int i = 0; i < LocalObjectStore.BATCH; i++) {
                assertTrue(store.writeIfAbsent(objectKey(i), bytes("c" + i)));
            }
            assertTrue(Files.exists(root.resolve(objectKey(0))), "a full batch is named without waiting for another write");
            assertEquals(LocalObjectStore.BATCH, files(root).size());
        }
    }

    @Test
    void aKilledRunLeavesOnlyTempsThatTheNextOneRemoves() throws Exception {
        Path root = tmp.resolve("repo");
        LocalObjectStore killed = new LocalObjectStore(root); // never closed: the process died
        assertTrue(killed.writeIfAbsent(objectKey(1), bytes("one")));
        try (LocalObjectStore next = new LocalObjectStore(root)) {
            assertTrue(next.stat(objectKey(1)).isEmpty(), "an object of a killed run was never named");
            assertTrue(next.listAll("").isEmpty());
            assertEquals(1, next.removeStaleTemps(Duration.ZERO));
            assertTrue(files(root).isEmpty());
        }
    }

    @Test
    void onlyContentAddressedKeysWaitForABatch() {
        String name = "ab" + "0".repeat(62);
        assertTrue(LocalObjectStore.isObjectKey("objects/ab/" + name));
        assertTrue(LocalObjectStore.isObjectKey("some/prefix/objects/ab/" + name));
        assertFalse(LocalObjectStore.isObjectKey("objects/ac/" + name));
        assertFalse(LocalObjectStore.isObjectKey("objects/ab/" + name.toUpperCase()));
        assertFalse(LocalObjectStore.isObjectKey("backups/" + name));
        assertFalse(LocalObjectStore.isObjectKey("backups/20261128T000000Z.json"));
        assertFalse(LocalObjectStore.isObjectKey("locks/x"));
    }
}
