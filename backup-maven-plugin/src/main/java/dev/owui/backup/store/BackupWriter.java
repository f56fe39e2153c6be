package dev.owui.backup.store;

import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.CountingInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * Writes one backup tree. Thread-safe for distinct paths, so files can be stored in parallel.
 * Closing without a successful {@link #commit} removes the partial tree.
 */
public interface BackupWriter extends AutoCloseable {

    /** Size and SHA-256 of what was stored, as read while storing it. */
    record Stored(long size, String sha256) {
    }

    /**
     * A local file in which a capture (SQLite's backup API) may build the content of {@code path};
     * hand it over with {@link #putStaged}. A local target stages inside the partial tree so the
     * hand-over is a rename. It lies in a folder private to the user (0700: the partial tree or
     * a temp folder), so whatever creates it with its own default mode (SQLite) exposes nothing.
     */
    Path stagingFile(String path);

    /** Stores a staged file under {@code path}; the staged file is consumed. */
    default void putStaged(String path, Path staged, Instant mtime, String mode) {
        putStaged(path, staged, mtime, mode, CountingInputStream.NONE);
    }

    /** {@link #putStaged}, telling {@code moved} how many staged bytes were read as they are sent (nothing for a rename). */
    void putStaged(String path, Path staged, Instant mtime, String mode, LongConsumer moved);

    /** False when {@link #putStaged} is a rename (a local target): then staging, not the hand-over, is where bytes move. */
    default boolean putStagedMovesBytes() {
        return true;
    }

    /**
     * Copies {@code source} into the backup as {@code path}, hashing what it reads. Calling it again
     * for the same path replaces the first copy (used when the source changed while it was read).
     * Throws {@link SourceVanishedException} when the source is gone.
     */
    default Stored copy(String path, Path source, Instant mtime, String mode) {
        return copy(path, source, mtime, mode, CountingInputStream.NONE);
    }

    /** {@link #copy}, telling {@code moved} how many bytes of the source were read as they are read (for progress). */
    Stored copy(String path, Path source, Instant mtime, String mode, LongConsumer moved);

    /** What became of a {@link #reuse}. */
    enum Reuse {
        /** The stored copy is shared (hard link, server-side copy). */
        SHARED,
        /** The earlier backup has no stored copy at that path (damaged, or removed by hand): store anew, and say so. */
        MISSING,
        /** The earlier backup's stored copy has another size than its manifest records (damaged): store anew, and say so. */
        WRONG_SIZE,
        /** The target refused to share it (no hard links, a link count limit): store anew; counted as a "link refused". */
        REFUSED;

        public boolean shared() {
            return this == SHARED;
        }

        /** True when the earlier backup's copy is missing or damaged, not merely unshareable. */
        public boolean damaged() {
            return this == MISSING || this == WRONG_SIZE;
        }

        /** The operator's line for a damaged outcome: what is wrong, where, what to do. */
        public String describe(String path, String fromBackupId, String location) {
            return path + (this == MISSING ? " is missing from backup " : " has another size than its manifest records in backup ")
                    + fromBackupId + " at the target " + location + ": stored anew; run owui:verify on " + fromBackupId;
        }
    }

    /**
     * Makes {@code path} share the stored copy of the same path in backup {@code fromBackupId}
     * (a hard link on a filesystem, a server-side copy on S3). {@code storedSize} is the size the
     * manifest records for that stored copy, checked where it costs no extra round trip (a local
     * stat, S3's listing), or -1 not to check. Anything but {@link Reuse#SHARED} means the caller
     * stores the file anew.
     */
    Reuse reuse(String path, String fromBackupId, long storedSize);

    /**
     * Makes sure the folder {@code path} is in the tree, so an empty folder of the data directory
     * is browsable there too. Its mode and time are the manifest's ({@code directories}), not
     * the tree's: every stored folder is 0700. A store without folders (S3) has nothing to do.
     */
    default void directory(String path) {
    }

    /** Records a symbolic link in the tree. */
    void symlink(String path, String linkTarget);

    /** Writes the manifest last and makes the backup visible; after this the backup is complete. */
    void commit(Manifest manifest);

    /** Removes the partial tree unless committed. */
    @Override
    void close();
}
