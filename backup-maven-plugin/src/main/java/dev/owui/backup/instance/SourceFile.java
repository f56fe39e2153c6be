package dev.owui.backup.instance;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A path of the data directory chosen for the backup, with the attributes seen when it was listed.
 *
 * @param rel        path relative to the data directory, '/'-separated
 * @param abs        absolute path on disk
 * @param type       a FileEntry type: sqlite, file or symlink
 * @param size       size in bytes (0 for symlinks)
 * @param mtime      modification time
 * @param mode       POSIX permissions such as "rw-r--r--", or null where the filesystem has none
 * @param linkTarget a symlink's target, else null
 */
public record SourceFile(String rel, Path abs, String type, long size, Instant mtime, String mode, String linkTarget) {
}
