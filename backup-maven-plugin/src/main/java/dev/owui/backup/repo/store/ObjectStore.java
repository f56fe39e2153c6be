package dev.owui.backup.repo.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The few operations the repository needs from a target (FORMAT.md, "The store interface and
 * the repository above it"); local disk, SFTP and S3 each implement them, and
 * {@code ObjectStoreContract} holds all three to the same rules.
 *
 * <p><b>Keys</b> are made by the tool only: '/'-separated, relative to the store's root, of
 * {@code [A-Za-z0-9._-]} components that are not empty, "." or "..", at most
 * {@value Keys#MAX_COMPONENT} characters each and {@value Keys#MAX_KEY} in all. Anything else is
 * refused with an {@link IllegalArgumentException} (a bug in the caller, never operator input).
 *
 * <p>Failures of the store itself (unreachable, permission denied, full) are
 * {@link dev.owui.backup.OwuiException}s naming the store and what to do; a read of a key that
 * is not there is a {@link NoSuchObjectException}. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {
    /** The store as the operator wrote it (path or URL), for messages. Never carries credentials. */
    String location();

    /**
     * Every object whose key starts with {@code prefix} (a plain string prefix, as on S3:
     * "objects/", "objects/a", or "" for all), in ascending key order, one call of {@code each}
     * per object. Streams: memory stays bounded however many objects there are (a page of an S3
     * listing, one folder's names on disk). Temp files of writes in progress or killed are never
     * listed, nor is anything whose name is not a key (files a person put there).
     */
    void list(String prefix, Consumer<StoreStat> each);

    /** {@link #list(String, Consumer)} into a list: only for listings known to be small (locks/, backups/). */
    default List<StoreStat> listAll(String prefix) {
        List<StoreStat> out = new ArrayList<>();
        list(prefix, out::add);
        return out;
    }

    /** The object's size and mtime, or empty when there is no object under {@code key}. */
    Optional<StoreStat> stat(String key);

    /** The object's bytes; the caller closes the stream. */
    InputStream read(String key);

    /**
     * {@code length} bytes of the object from {@code offset}: fewer when the object ends before,
     * none when {@code offset} is at or past its end.
     */
    InputStream read(String key, long offset, long length);

    /**
     * Stores the file's bytes under {@code key} unless an object is already there. Atomic: no
     * reader ever sees a partial object under {@code key}, and an existing object is never
     * replaced, even by writers racing for the same key (at most one of them returns true; see
     * each store for the servers that offer no atomic no-replace and why its fallback is safe).
     *
     * @return true when this call stored the object, false when it already existed (then the
     *         store holds the existing bytes, unchanged)
     */
    boolean writeIfAbsent(String key, Path file);

    /** {@link #writeIfAbsent(String, Path)} from memory (heads, locks, chunks). */
    boolean writeIfAbsent(String key, byte[] bytes);

    /**
     * Whether {@link #stat} is cheap beside a write that the store would refuse: true for a local
     * disk and SFTP (a stat is a small round trip, and a refused write would have sent the whole
     * body first), false on S3 (a HeadObject is a billed request like the PutObject, whose
     * conditional form answers "exists" by itself). Writers of content that is most likely new
     * stat first only where this is true.
     */
    default boolean existenceCheckIsCheap() {
        return true;
    }

    /** Removes the object; a key that is not there is no error. */
    void delete(String key);

    /** Hard links into the objects, where the store has them (local, SFTP); empty on S3. */
    Optional<HardLinks> hardLinks();

    /** Plain folders and files for browsable trees, where the store has them (local, SFTP); empty on S3. */
    default Optional<TreeFiles> treeFiles() {
        return Optional.empty();
    }

    /**
     * Removes what killed writes left under {@code prefix} and that is older than
     * {@code olderThan}: temp files on disk and over SFTP, unfinished multipart uploads on S3.
     * Call it under the repository's exclusive lock (prune does), with an age well above any
     * write's duration (FORMAT.md: a day), so a running write is never cut short.
     * {@link Duration#ZERO} removes every one whatever its time (for when no write can be running).
     *
     * @return how many were removed
     */
    int removeStaleTemps(String prefix, Duration olderThan);

    /** {@link #removeStaleTemps(String, Duration)} under the whole store. */
    default int removeStaleTemps(Duration olderThan) {
        return removeStaleTemps("", olderThan);
    }

    /** Releases connections; a local store holds none. */
    @Override
    void close();
}
