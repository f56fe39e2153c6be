package dev.owui.backup.config;

/**
 * What owui:backup is asked to do: capture as {@code capture} says, to the plan {@code plan} or
 * else the one target {@code target} ({@link Jobs#backup} decides).
 *
 * @param postgres      the instance's databases in PostgreSQL, or null (webui.db in the data directory)
 * @param objectStorage where Open WebUI keeps uploads in S3 ({@link ObjectStorageConfig#NONE}: nowhere)
 */
public record BackupConfig(CaptureConfig capture, String plan, String target, PostgresConfig postgres, ObjectStorageConfig objectStorage) {
    public BackupConfig {
        objectStorage = objectStorage == null ? ObjectStorageConfig.NONE : objectStorage;
    }

    /** An instance on SQLite with its uploads in the data directory. */
    public BackupConfig(CaptureConfig capture, String plan, String target) {
        this(capture, plan, target, null, null);
    }
}
