package dev.owui.backup.restore;

import java.nio.file.Path;
import java.util.List;

/**
 * What a restore did.
 *
 * @param backupId  the backup restored
 * @param files     files restored
 * @param bytes     bytes restored
 * @param setAside  where the directory's earlier contents were moved, or null when it was empty
 * @param warnings  what the operator should know (schema revision going back, secret key not written)
 */
public record RestoreResult(String backupId, long files, long bytes, Path setAside, List<String> warnings) {
}
