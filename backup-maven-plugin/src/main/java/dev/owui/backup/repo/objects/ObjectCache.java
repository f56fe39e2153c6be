package dev.owui.backup.repo.objects;

import dev.owui.backup.store.Hashing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A local folder of small objects exactly as stored (entry chunks), one file per object named by
 * the object's name, so a backup reads the previous backup's entries without a request to the
 * target (on S3 that was a GET per chunk, every backup). Nothing here is trusted: an object's name
 * is the SHA-256 of its stored bytes, so a cached file is used only when it hashes to its name
 * (a damaged or foreign file is removed and the object read from the target). A copy that cannot
 * be written or read is never an error: the target has the object.
 */
public final class ObjectCache {
    private final Path dir;

    public ObjectCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The stored bytes of {@code name}: the cached copy when it is whole, else those of
     * {@code remote} (read whole: only small objects come here), cached when they hash to the name.
     * Bytes that do not are returned as read, so the reader reports the damage as without a cache.
     */
    public InputStream read(String name, Supplier<InputStream> remote) {
        file(name); // refuses what is not an object name before anything is read
        byte[] b = get(name);
        if (b == null) {
            try (InputStream in = remote.get()) {
                b = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (hashesTo(b, name)) {
                put(name, b);
            }
        }
        return new ByteArrayInputStream(b);
    }

    /** The cached bytes of {@code name} if they hash to it, else null (a copy that does not is removed). */
    byte[] get(String name) {
        Path p = file(name);
        try {
            byte[] b = Files.readAllBytes(p);
            if (hashesTo(b, name)) {
                return b;
            }
            Files.deleteIfExists(p);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException | RuntimeException unreadable) {
            // the target has it
        }
        return null;
    }

    /** Keeps {@code stored} (the bytes of object {@code name}) for the next reader: a temp file moved into place. */
    public void put(String name, byte[] stored) {
        Path target = file(name);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "chunk-", ".tmp");
            try {
                Files.write(tmp, stored);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written only costs the next backup a read from the target
        }
    }

    /** Removes every cached object but {@code names} (and any temp file), so the folder holds one backup's chunks. */
    public void keepOnly(Set<String> names) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!names.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // left for the next backup's clean-up
        }
    }

    private Path file(String name) {
        ObjectNames.relativeKey(name); // refuses anything that is not an object name, so no path leaves dir
        return dir.resolve(name);
    }

    private static boolean hashesTo(byte[] b, String name) {
        return HexFormat.of().formatHex(Hashing.newSha256().digest(b)).equals(name);
    }
}
