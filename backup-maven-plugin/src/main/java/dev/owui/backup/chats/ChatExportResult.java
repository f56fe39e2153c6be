package dev.owui.backup.chats;

import java.nio.file.Path;
import java.util.List;

/**
 * What an export wrote.
 *
 * @param backupId      the backup read
 * @param chatIds       the exported chats' ids, in the file's order (newest update first)
 * @param titles        their titles, in the same order
 * @param chatsInBackup how many chats the backup's webui.db holds
 * @param output        the file written, or null for the stream
 */
public record ChatExportResult(String backupId, List<String> chatIds, List<String> titles, int chatsInBackup, Path output) {
}
