package dev.owui.backup.maven;

import dev.owui.backup.config.ObjectStorageConfig;
import dev.owui.backup.config.PostgresConfig;
import dev.owui.backup.config.RestoreConfig;
import dev.owui.backup.render.RestoreRender;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Restores a backup into a stopped instance's data directory, checking every file's SHA-256. A
 * non-empty directory needs owui.force, and its contents are then moved aside, never deleted.
 * With owui.paths it restores only the chosen files, into owui.output, while the instance runs.
 * Format 3 backups (a repository at the target) are restored the same way; the newest of both
 * formats is the default, and an id in both is taken from format 3 (with a warning).
 */
@Mojo(name = "restore", requiresProject = false, threadSafe = true)
public class RestoreMojo extends AbstractTargetMojo {

    /** The data directory to restore into (Open WebUI must be stopped). */
    @Parameter(property = "owui.dataDir")
    private File dataDir;

    /** The backup to restore; default the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    /** Restore into a non-empty directory, moving its contents aside first. */
    @Parameter(property = "owui.force", defaultValue = "false")
    private boolean force;

    /**
     * Restore only these files: comma-separated paths or globs relative to the backup root
     * ({@code uploads/abc_report.pdf}, {@code uploads/*.pdf}, {@code vector_db/**}). They are
     * written into owui.output, not the data directory; a pattern that matches nothing fails.
     */
    @Parameter(property = "owui.paths")
    private List<String> paths;

    /**
     * With owui.paths: the directory the chosen files are written into (created if absent),
     * keeping their paths relative to the backup root. Existing files are kept unless owui.force.
     */
    @Parameter(property = "owui.output")
    private File output;

    /** Where to write the backup's .webui_secret_key, if it holds one; unset leaves it in the backup. */
    @Parameter(property = "owui.secretKeyFile")
    private File secretKeyFile;


    /**
     * The database a backup's PostgreSQL dump is restored into (created when missing; one holding tables only with owui.force, renamed aside, never dropped):
     * {@code postgresql://HOST:PORT/DATABASE} (a user may be named, a password may not: it belongs in
     * owui.databaseServerId). Or use owui.envFile. Unset: webui.db in the data directory.
     */
    @Parameter(property = "owui.databaseUrl")
    private String databaseUrl;

    /** A settings.xml server with the database's username and password (used instead of the env file's). */
    @Parameter(property = "owui.databaseServerId")
    private String databaseServerId;

    /**
     * The env file Open WebUI's container reads (the compose {@code .env}): its DATABASE_URL (with its
     * password, unless owui.databaseServerId is given), PGVECTOR_DB_URL and DATABASE_SCHEMA. Not with owui.databaseUrl.
     */
    @Parameter(property = "owui.envFile")
    private File envFile;

    /** The folder with PostgreSQL's pg_dump and pg_restore (e.g. /usr/lib/postgresql/16/bin); default: the PATH. */
    @Parameter(property = "owui.pgBin")
    private File pgBin;

    /**
     * How many parallel jobs pg_restore runs with: {@code 1} (default) restores in a single
     * transaction (all or nothing); 2 to 64 that many jobs, each a connection to the server, for
     * large databases (either dump format; a failure may then leave part of the dump in the database).
     */
    @Parameter(property = "owui.pgJobs", defaultValue = "1")
    private int pgJobs = 1; // also without Maven's defaultValue (a Mojo built by hand)

    /**
     * Where Open WebUI keeps uploads (its STORAGE_PROVIDER): {@code none} (default: the data
     * directory's uploads/) or {@code s3}, whose objects the file rows name are put back into their buckets.
     */
    @Parameter(property = "owui.storage.provider", defaultValue = "none")
    private String storageProvider;

    /** The S3-compatible endpoint of Open WebUI's bucket (its S3_ENDPOINT_URL); default AWS. */
    @Parameter(property = "owui.storage.endpoint")
    private String storageEndpoint;

    /** The region of Open WebUI's bucket (its S3_REGION_NAME). */
    @Parameter(property = "owui.storage.region")
    private String storageRegion;

    /** Path-style addressing for Open WebUI's bucket (its S3_ADDRESSING_STYLE=path); default: on with an endpoint. */
    @Parameter(property = "owui.storage.pathStyle")
    private Boolean storagePathStyle;

    /** A settings.xml server with the bucket's access key id (username) and secret key (password); default: the AWS credentials chain. */
    @Parameter(property = "owui.storage.serverId")
    private String storageServerId;

    /** With owui.storage.provider=s3: write the objects as files beside the data directory instead of into the bucket. */
    @Parameter(property = "owui.storage.restoreToFolder", defaultValue = "false")
    private boolean storageRestoreToFolder;

    @Override
    protected String goal() {
        return "restore";
    }

    @Override
    protected void run() {
        RestoreConfig config = new RestoreConfig(target, backupId, resolve(dataDir), force, paths, resolve(output), resolve(secretKeyFile),
                PostgresConfig.of(databaseUrl, databaseServerId, resolve(envFile), resolve(pgBin), pgJobs, this::credentials, environment()),
                ObjectStorageConfig.of(storageProvider, storageEndpoint, storageRegion, storagePathStyle, storageServerId, storageRestoreToFolder,
                        this::credentials, environment()));
        RestoreRender.render(owui().restore(config), instance, engineLog(), report());
    }
}
