package dev.owui.backup.testkit;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * What {@link OpenWebUiFixture#build()} wrote. Paths of files are relative to {@code dataDir}
 * with '/' separators (e.g. {@code "uploads/<uuid>_report.pdf"}); segment ids are folder names
 * directly under {@code vector_db/}.
 *
 * @param dataDir            the data directory
 * @param users              rows in {@code user}
 * @param chats              rows in {@code chat}
 * @param messages           rows in {@code chat_message}
 * @param files              rows in {@code file} (uploads plus orphan rows)
 * @param uploads            uploads that have a {@code file} row and exist on disk
 * @param orphanRows         {@code file} rows whose upload is missing
 * @param orphanFiles        files in {@code uploads/} that no row points to
 * @param vectorSegmentIds   VECTOR segment ids, each with a folder in {@code vector_db/}
 * @param collectionNames    Chroma collection names ({@code file-<id>}, {@code <knowledge id>}, ...)
 * @param staleSegmentFolder folder in {@code vector_db/} without a {@code segments} row, or null
 * @param schemaRevision     the Alembic revision in {@code alembic_version}
 * @param totalFiles         regular files in the directory (symlinks not counted)
 * @param totalBytes         their total size
 * @param elapsed            how long generation took
 */
public record Fixture(Path dataDir, int users, int chats, int messages, int files, List<String> uploads,
                      List<OrphanRow> orphanRows, List<String> orphanFiles, List<String> vectorSegmentIds,
                      List<String> collectionNames, String staleSegmentFolder, String schemaRevision,
                      int totalFiles, long totalBytes, Duration elapsed) {

    /**
     * A {@code file} row whose upload is gone.
     *
     * @param fileId        {@code file.id}
     * @param missingUpload where the upload should be, e.g. {@code "uploads/<id>_deleted-report-1.pdf"}
     */
    public record OrphanRow(String fileId, String missingUpload) {
    }

    public Path webuiDb() {
        return dataDir.resolve("webui.db");
    }

    public Path chromaDb() {
        return dataDir.resolve("vector_db").resolve("chroma.sqlite3");
    }

    /**
     * Opens the instance "live": commits one chat that exists only in {@code webui.db-wal} for as
     * long as the returned instance is open. Closing it checkpoints that chat into webui.db.
     */
    public LiveInstance openLive() throws SQLException {
        return LiveInstance.open(webuiDb());
    }
}
