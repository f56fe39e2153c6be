package dev.owui.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Local copies of stored files of a remote target, for tools that need a file (SQLite): fetched
 * once each into a temp folder this object owns, and removed with it on {@link #close()}.
 */
public final class LocalCopies implements AutoCloseable {
    /** Opens the stored bytes of one file. */
    @FunctionalInterface
    public interface Fetch {
        InputStream open() throws IOException;
    }

    private final String prefix;
    private Path dir;

    /** @param prefix the temp folder's name prefix, e.g. "owui-s3-download-" */
    public LocalCopies(String prefix) {
        this.prefix = prefix;
    }

    /** The local copy of {@code path} of a backup, fetched the first time it is asked for. */
    public Path get(String instance, String backupId, String path, Fetch fetch) throws IOException {
        Path root = dir();
        Path local = root.resolve(instance).resolve(backupId).resolve(path).normalize();
        if (!local.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the backup tree: " + path);
        }
        if (Files.exists(local)) {
            return local;
        }
        // Private like the target (0700, 0600): these are copies of backed-up databases.
        PrivateFiles.createDirectories(local.getParent());
        Path part = local.resolveSibling(local.getFileName() + ".part");
        try (InputStream in = fetch.open(); java.io.OutputStream out = PrivateFiles.newOutputStream(part)) {
            in.transferTo(out);
        }
        Files.move(part, local, StandardCopyOption.ATOMIC_MOVE);
        return local;
    }

    private synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory(prefix); // 0700: the JDK's default for temp folders on POSIX
        }
        return dir;
    }

    @Override
    public void close() {
        Path d;
        synchronized (this) {
            d = dir;
            dir = null;
        }
        deleteTree(d);
    }

    /**
     * Removes a local temp or staging tree, best effort: what cannot be removed is left to the OS's
     * temp cleaning (or, for a restore's staging folder, stays excluded from backups by its name).
     * Every staging and scratch folder of the engine goes through here.
     */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the OS's temp cleaning; the rest still goes
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // a temp folder; the OS cleans it eventually
        }
    }
}
