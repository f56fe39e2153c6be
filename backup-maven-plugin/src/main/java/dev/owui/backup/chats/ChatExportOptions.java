package dev.owui.backup.chats;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.postgres.PgTarget;
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
 * @param postgres  the server whose scratch database a PostgreSQL backup's dump is restored into to
 *                  be read (owui.databaseUrl …), or null: such a backup is refused, naming the parameters
 */
public record ChatExportOptions(Target target, String instance, String backupId, ChatSelection selection, Path output, boolean force,
                                DecryptionKeys keys, PgTarget postgres) {

    public ChatExportOptions {
        if (keys == null) {
            keys = DecryptionKeys.none();
        }
    }

    /** Without a PostgreSQL server (backups of SQLite instances). */
    public ChatExportOptions(Target target, String instance, String backupId, ChatSelection selection, Path output, boolean force,
                             DecryptionKeys keys) {
        this(target, instance, backupId, selection, output, force, keys, null);
    }

    public ChatExportOptions withPostgres(PgTarget server) {
        return new ChatExportOptions(target, instance, backupId, selection, output, force, keys, server);
    }
}
