package dev.owui.backup.repo.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.store.Hashing;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cache of entry chunks on a real folder: used only when a copy hashes to its name. */
class ObjectCacheTest {
    @TempDir
    Path tmp;

    static String name(byte[] b) {
        return HexFormat.of().formatHex(Hashing.newSha256().digest(b));
    }

    static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void aWholeCopyIsReadWithoutTheStoreAndADamagedOneIsReplacedFromIt() throws Exception {
        ObjectCache cache = new ObjectCache(tmp.resolve("chunks/repo-id"));
        byte[] chunk = "{\"path\":\"uploads/a\"}\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        String name = name(chunk);
        AtomicInteger reads = new AtomicInteger();
        Supplier<InputStream> store = () -> {
            reads.incrementAndGet();
            return new ByteArrayInputStream(chunk);
        };

        assertArrayEquals(chunk, read(cache.read(name, store)));
        assertEquals(1, reads.get(), "absent: read from the store, and kept");
        assertArrayEquals(chunk, read(cache.read(name, store)));
        assertEquals(1, reads.get(), "kept: no second read from the store");

        Path copy = cache.dir().resolve(name);
        byte[] damaged = chunk.clone();
        damaged[7] ^= 1;
        Files.write(copy, damaged);
        assertArrayEquals(chunk, read(cache.read(name, store)), "a copy that does not hash to its name is never used");
        assertEquals(2, reads.get());
        assertArrayEquals(chunk, Files.readAllBytes(copy), "and it is replaced by the store's bytes");
    }

    @Test
    void bytesFromTheStoreThatDoNotHashToTheNameAreReturnedForTheReaderToRejectButNeverKept() throws Exception {
        ObjectCache cache = new ObjectCache(tmp.resolve("chunks/repo-id"));
        byte[] chunk = "chunk".getBytes(StandardCharsets.UTF_8);
        String name = name(chunk);
        byte[] damaged = "chunK".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(damaged, read(cache.read(name, () -> new ByteArrayInputStream(damaged))));
        assertFalse(Files.exists(cache.dir().resolve(name)));
        assertThrows(IllegalArgumentException.class, () -> cache.read("../../etc/passwd", () -> new ByteArrayInputStream(chunk)));
    }

    @Test
    void keepOnlyLeavesTheNamedObjects() throws Exception {
        ObjectCache cache = new ObjectCache(tmp.resolve("chunks/repo-id"));
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".getBytes(StandardCharsets.UTF_8);
        cache.put(name(a), a);
        cache.put(name(b), b);
        Files.writeString(cache.dir().resolve("chunk-1.tmp"), "left by a killed run");
        cache.keepOnly(Set.of(name(b)));
        try (var s = Files.list(cache.dir())) {
            assertEquals(Set.of(name(b)), Set.copyOf(s.map(p -> p.getFileName().toString()).toList()));
        }
        assertTrue(Files.exists(cache.dir().resolve(name(b))));
    }
}
