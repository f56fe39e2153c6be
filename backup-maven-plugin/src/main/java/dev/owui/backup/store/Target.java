package dev.owui.backup.store;

import dev.owui.backup.format.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where backups are kept. Every target holds the same tree per backup,
 * {@code <root>/<instance>/<backup id>/…} with manifest.json written last; a tree without its
 * manifest is never a backup. Implementations: a local or mounted path ({@link LocalTarget}), SFTP
 * ({@link dev.owui.backup.store.sftp.SftpTarget}) and S3 ({@link dev.owui.backup.store.s3.S3Target}).
 */
public interface Target extends AutoCloseable {
    /** The target as the operator wrote it, for messages. Never carries credentials. */
    String location();

    /**
     * The directory on this machine's file system the target keeps its backups in (a local or
     * mounted path), or empty for a remote one. A capture uses it to refuse writing into the data
     * directory it reads, and to re-read a stored copy where that costs no download.
     */
    default Optional<Path> localRoot() {
        return Optional.empty();
    }

    /**
     * Whether the target is there at all: its directory (local, SFTP) or, for S3, its bucket and
     * at least one object under its prefix. Reading goals check it first, so a mistyped path
     * fails instead of looking like an empty target; a backup creates a missing target instead.
     * A bucket that is missing or denied fails with its own message rather than answering false.
     */
    boolean exists();

    /** Names of the instance folders at this target (each holds the backups of one instance). */
    List<String> instances();

    /** Ids of the complete backups of an instance, oldest first. Empty when there are none. */
    List<String> backups(String instance);

    /**
     * Ids of the instance's format 3 backups at this target (the heads
     * {@code <instance>/backups/<id>.json}, FORMAT.md "Format 3"), in no particular order; empty
     * when there is no repository. A new tree takes an id that no head has: one id names one backup
     * at a target, whatever its format. Read-only, never creates anything.
     */
    default List<String> format3Ids(String instance) {
        return List.of();
    }

    /** Trees of an instance that have no manifest: interrupted runs, or one being written now. */
    List<String> incomplete(String instance);

    /** The manifest of a complete backup; an OwuiException names a missing or damaged one. */
    Manifest manifest(String instance, String backupId);

    /** The manifest without its file list: what listing needs, read without parsing every entry. */
    default Manifest summary(String instance, String backupId) {
        return manifest(instance, backupId);
    }

    /** Reads the stored bytes of one file of a backup. */
    InputStream open(String instance, String backupId, String path) throws IOException;

    /**
     * A local file with the stored bytes of one file of a backup, for tools that need a file
     * (SQLite). A local target returns the stored file itself, which callers must not modify.
     */
    Path localFile(String instance, String backupId, String path) throws IOException;

    /** Takes the instance's lock at this target, so two runs never write at once. */
    TargetLock lock(String instance);

    /**
     * Removes a complete backup (retention). Call only while holding the lock. Files it shares
     * with other backups stay with them: a backup never depends on another's folder. Fails only
     * while the backup still counts; once it no longer does (hidden, or its manifest gone), what
     * cannot be removed stays as an incomplete tree for the next clean-up, and the warning saying
     * so is returned.
     */
    Optional<String> delete(String instance, String backupId);

    /**
     * The bytes that removing these complete backups together would free at this target, or empty
     * where the target cannot tell. Backups share stored files (hard links), so a file counts only
     * when every link to it is in one of the backups given. Read-only: call it before removing.
     */
    default java.util.OptionalLong freedBy(String instance, java.util.Collection<String> backupIds) {
        return java.util.OptionalLong.empty();
    }

    /**
     * Removes the trees that interrupted runs (and interrupted removals) left behind; they never
     * counted as backups. Call only while holding the lock, when no other run can be writing one.
     * A tree it cannot remove is left with a warning in the result, never an exception: a
     * clean-up that cannot finish must not block the next backup. Failing to list the instance's
     * trees still fails, as listing its backups does: what exists decides the new id and the
     * previous backup, and a guess there could be wrong.
     */
    Cleanup removeIncomplete(String instance);

    /**
     * Stores one damage record (what a verify found damaged, see
     * {@link dev.owui.backup.format.DamageRecord}) as {@code <instance>/damage/<name>}: written
     * whole or not at all (temporary name then rename, or one PUT), private (0600). Needs no lock:
     * every record has a name of its own.
     */
    void writeDamageRecord(String instance, String name, byte[] json);

    /** The damage records of an instance, name → bytes; empty when there are none. */
    Map<String, byte[]> damageRecords(String instance);

    /** Removes one damage record; one already gone is fine. */
    void removeDamageRecord(String instance, String name);

    /** Releases connections and local copies made by {@link #localFile}; a local target holds none. */
    @Override
    default void close() {
    }

    /**
     * Starts writing a new backup. Call only while holding the lock. The writer removes what it
     * wrote unless {@link BackupWriter#commit} succeeds.
     */
    BackupWriter begin(String instance, String backupId);
}
