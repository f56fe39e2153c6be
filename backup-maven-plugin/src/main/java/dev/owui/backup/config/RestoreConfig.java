package dev.owui.backup.config;

import java.nio.file.Path;
import java.util.List;

/**
 * owui:restore's configuration.
 *
 * @param target        owui.target: a pom target's id or a URL
 * @param backupId      the backup, or null for the newest of both formats
 * @param dataDir       the data directory a whole restore fills
 * @param force         restore into a non-empty directory (its contents set aside), or replace files
 * @param paths         the files a partial restore writes (paths or globs), or empty for a whole restore
 * @param output        where a partial restore writes them
 * @param secretKeyFile where the backup's secret key file is written, or null
 * @param postgres      the database a backup's PostgreSQL dumps are restored into (with force, one holding
 *                      tables is renamed aside), or null: the dumps are written as files beside the data directory
 * @param objectStorage where uploads kept in object storage go back ({@link ObjectStorageConfig#NONE}: as files)
 */
public record RestoreConfig(String target, String backupId, Path dataDir, boolean force, List<String> paths, Path output, Path secretKeyFile,
                            PostgresConfig postgres, ObjectStorageConfig objectStorage) {

    public RestoreConfig {
        paths = paths == null ? List.of() : List.copyOf(paths);
        objectStorage = objectStorage == null ? ObjectStorageConfig.NONE : objectStorage;
    }

    /** A restore of an instance on SQLite with its uploads in the data directory. */
    public RestoreConfig(String target, String backupId, Path dataDir, boolean force, List<String> paths, Path output, Path secretKeyFile) {
        this(target, backupId, dataDir, force, paths, output, secretKeyFile, null, null);
    }

    /** True for owui.paths: only the chosen files, into owui.output, while the instance runs. */
    public boolean partial() {
        return !paths.isEmpty();
    }
}
