package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One folder of the data directory as the manifest records it (its {@code directories} list), so
 * restore puts back its mode and time, and an empty folder at all. No content: the stored tree's
 * folders are all 0700.
 *
 * @param path  relative to the backup root, '/'-separated, never empty (the data directory itself is not listed)
 * @param mtime modification time of the source folder, full precision
 * @param mode  POSIX permissions of the source folder, e.g. "rwxr-xr-x" (null where unknown)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectoryEntry(String path, Instant mtime, String mode) {
}
