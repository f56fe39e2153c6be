package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the backup knew about the Open WebUI instance when it was taken, read from the captured
 * copy of webui.db (so it describes exactly the data in the backup).
 *
 * @param schemaRevision  alembic_version.version_num, or null when the table is absent (pre-Alembic install)
 * @param counts          row counts of the tables an operator recognises (users, chats, files, ...)
 * @param rowsWithoutFile upload paths named by a file row but absent from uploads/ (relative, "uploads/...")
 * @param filesWithoutRow files in uploads/ that no file row names
 * @param externalFiles   file rows stored outside the data directory (s3://, gs://, Azure): not in this backup
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceFacts(
        String schemaRevision,
        Map<String, Long> counts,
        List<String> rowsWithoutFile,
        List<String> filesWithoutRow,
        List<String> externalFiles) {

    public static InstanceFacts empty() {
        return new InstanceFacts(null, Map.of(), List.of(), List.of(), List.of());
    }
}
