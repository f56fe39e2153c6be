package dev.owui.backup.maven;

import dev.owui.backup.app.BackupOutcome;
import dev.owui.backup.config.BackupConfig;
import dev.owui.backup.config.ObjectStorageConfig;
import dev.owui.backup.render.BackupRender;
import java.io.File;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Backs up a live Open WebUI data directory: databases through SQLite's online backup API, every
 * other file read as it is. Into the instance's format 3 repository, where only new content and a
 * database's changed pages are stored, or as a format 2 tree, whose unchanged files are shared with
 * the previous backup (hard link, server-side copy): {@code owui.format} decides, per target by
 * default. To one target ({@code owui.target}) or to every target of a plan ({@code owui.plan}),
 * the plan's retention applied at each.
 */
@Mojo(name = "backup", requiresProject = false, threadSafe = true)
public class BackupMojo extends AbstractCaptureMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS), a {@code file:} URL,
     * {@code sftp://user@host/path}, {@code s3://bucket/prefix}, or the id of one of the pom's
     * {@code <targets>}. Relative paths are resolved against the project's directory, or the current
     * directory when run without a pom. Ignored when {@code owui.plan} is given.
     */
    @Parameter(property = "owui.target")
    private String target;

    /**
     * Where a backup to several targets (or a cold one) is captured first, then copied to each
     * target. Keeps only the newest capture (about one copy of the instance), so the next one
     * shares unchanged files with it.
     */
    @Parameter(property = "owui.stagingDir")
    private File stagingDir;

    /**
     * The storage format. {@code auto} (default): format 3, the incremental-forever repository of
     * FORMAT.md ("Format 3"), at a target that is new for the instance or already holds its
     * repository; format 2 at a target that holds only its format 1/2 trees (one log line says so
     * and how to move). {@code 3} or {@code 2} choose for every target: {@code 2} writes a
     * complete tree per backup (legacy, still written on request). A cold or paused backup, or one
     * to several targets, is captured once into owui.stagingDir and imported into each format 3 target.
     */
    @Parameter(property = "owui.format", defaultValue = "auto")
    private String format;


    /**
     * Where Open WebUI keeps uploads (its STORAGE_PROVIDER): {@code none} (default: the data
     * directory's uploads/) or {@code s3}, whose objects the file rows name are copied into the backup.
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

    @Override
    protected String goal() {
        return "backup";
    }

    @Override
    protected void run() {
        // Until the plan is read, the mode asked for names the run (the plan's, if any, is not known yet).
        String asked = mode == null || mode.isBlank() ? "hot" : mode.trim();
        var run = owui(asked, plan, () -> new BackupConfig(captureConfig(format, stagingDir == null ? null : resolve(stagingDir)), plan, target,
                postgresConfig(),
                ObjectStorageConfig.of(storageProvider, storageEndpoint, storageRegion, storagePathStyle, storageServerId, false,
                        this::credentials, environment())));
        BackupOutcome outcome = run.owui().backup(run.config());
        BackupRender.render(outcome, run.owui().context().log(), report().section());
        outcome.throwIfFailed();
    }
}
