package dev.owui.backup.repo.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Plain folders and files beside the objects, for the browsable trees of snapshots
 * ({@code trees/<id>/…}, FORMAT.md "Browsable trees"): local disk and SFTP; S3 has none.
 *
 * <p>Paths are '/'-separated, relative to the store's root, and unlike keys may carry any name an
 * upload has (any character but '/' and NUL; no empty, "." or ".." component). What is made here
 * is private as every other file of the store: folders 0700, files 0600 (a tree holds every
 * user's chats). The repository's own rules do not apply to these files: they are never listed
 * as objects, never read by restore or verify, and nothing but the tree code writes them.
 */
public interface TreeFiles {
    /** Creates the folder and its missing parents (0700); existing ones stay as they are. */
    void mkdirs(String dir);

    /** Writes {@code in} to a new private file {@code path} (its folder must exist), replacing one that is there. */
    void write(String path, InputStream in);

    /** {@link #write}, from a local file, which is consumed (moved where it can be). */
    void put(String path, Path local);

    /** A symbolic link {@code path} → {@code target} (its folder must exist); the target is not checked. */
    void symlink(String path, String target);

    /**
     * Sets the modification time of a file or folder (not followed through a symbolic link). Over
     * SFTP to the second: the protocol (v3) carries no finer time.
     */
    void setMtime(String path, Instant mtime);

    /** Renames {@code from} to {@code to}, which must not exist (a folder: the tree's last step). */
    void rename(String from, String to);

    /** Names in the folder {@code dir}, in no order; empty when it does not exist. */
    List<String> list(String dir);

    /**
     * Removes {@code path} and everything below it, never following a symbolic link; one that
     * is not there is no error.
     */
    void removeTree(String path);
}
