package dev.owui.backup.chats;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.store.Target;
import java.nio.file.Path;

/**
 * What an export of chats from a backup is asked to do.
 *
 * @param target    where the backup is
 * @param instance  the instance folder at the target
 * @param backupId  the backup to read, or null for the newest
 * @param selection which chats
 * @param output    the JSON file to write, or null for the stream given to {@link ChatExporter#run}
 * @param force     replace an existing output file
 * @param keys      what decrypts an encrypted backup
 */
public record ChatExportOptions(Target target, String instance, String backupId, ChatSelection selection, Path output, boolean force,
                                DecryptionKeys keys) {

    public ChatExportOptions {
        if (keys == null) {
            keys = DecryptionKeys.none();
        }
    }
}
