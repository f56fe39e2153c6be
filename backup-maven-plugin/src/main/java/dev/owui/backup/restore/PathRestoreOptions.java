package dev.owui.backup.restore;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.store.Target;
import java.nio.file.Path;
import java.util.List;

/**
 * What a partial restore ({@code owui.paths}) is asked to do.
 *
 * @param target   where the backup is
 * @param instance the instance folder at the target
 * @param backupId the backup to read, or null for the newest
 * @param paths    paths or globs relative to the backup root
 * @param output   the directory to write them into (kept apart from the live data directory)
 * @param force    allow an output directory holding a webui.db, and replacing existing files
 *                 (which are moved aside, never deleted)
 * @param keys     what decrypts an encrypted backup
 */
public record PathRestoreOptions(Target target, String instance, String backupId, List<String> paths, Path output, boolean force,
                                 DecryptionKeys keys) {

    public PathRestoreOptions {
        if (keys == null) {
            keys = DecryptionKeys.none();
        }
    }
}
