package dev.owui.backup.restore;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.store.Target;
import java.nio.file.Path;

/**
 * What a restore is asked to do.
 *
 * @param target        where the backup is
 * @param instance      the instance folder at the target
 * @param backupId      the backup to restore, or null for the newest
 * @param dataDir       the (stopped) instance's data directory to fill
 * @param force         allow a non-empty data directory: its contents are moved aside first, never deleted
 * @param secretKeyFile where to put the backup's .webui_secret_key, or null to leave it in the backup
 * @param keys          what decrypts an encrypted backup (none: only unencrypted backups restore)
 */
public record RestoreOptions(Target target, String instance, String backupId, Path dataDir, boolean force, Path secretKeyFile,
                             DecryptionKeys keys) {

    public RestoreOptions {
        if (keys == null) {
            keys = DecryptionKeys.none();
        }
    }

    /** A restore of a backup that needs no key. */
    public RestoreOptions(Target target, String instance, String backupId, Path dataDir, boolean force, Path secretKeyFile) {
        this(target, instance, backupId, dataDir, force, secretKeyFile, DecryptionKeys.none());
    }
}
