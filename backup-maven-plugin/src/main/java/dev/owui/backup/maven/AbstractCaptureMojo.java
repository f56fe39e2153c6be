package dev.owui.backup.maven;

import dev.owui.backup.config.CaptureConfig;
import dev.owui.backup.config.PostgresConfig;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.repo.FormatChoice;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that capture a data directory: backup and snapshot. */
abstract class AbstractCaptureMojo extends AbstractNotifyingMojo {

    /** Open WebUI's DATA_DIR: the directory holding webui.db, uploads/ and vector_db/. */
    @Parameter(property = "owui.dataDir")
    protected File dataDir;

    /**
     * Globs (relative to the data directory) of what to take; empty means everything. A pattern
     * that names a directory takes everything below it.
     */
    @Parameter(property = "owui.includes")
    protected List<String> includes;

    /** Globs of what to leave out. Default: {@code cache}, {@code audit.log}, {@code audit*.log}. */
    @Parameter(property = "owui.excludes")
    protected List<String> excludes;

    /**
     * Open WebUI's {@code .webui_secret_key}, which lives outside the data directory
     * ({@code /app/backend/.webui_secret_key} in the container). Without it, a restored instance
     * logs everyone out and loses stored OAuth tokens.
     */
    @Parameter(property = "owui.secretKeyFile")
    protected File secretKeyFile;

    /** Files stored in parallel. */
    @Parameter(property = "owui.threads", defaultValue = "4")
    protected int threads;

    /**
     * {@code zstd} compresses every file on its own (except formats that are already compressed:
     * images, archives, office documents, media); {@code none} stores files as they are;
     * {@code auto} (default): zstd for format 3 backups (restic compresses by default too), none
     * for format 2 trees and for snapshots (whose browsable tree hard-links plain objects).
     */
    @Parameter(property = "owui.compression", defaultValue = "auto")
    protected String compression;

    /** zstd level, 1 (fastest) to 19 (smallest); see bench/README.md for the trade-off. */
    @Parameter(property = "owui.zstdLevel", defaultValue = "3")
    protected int zstdLevel;

    /** Public key files (as {@code gpg --export} writes them) of the people or machines that may decrypt. */
    @Parameter(property = "owui.recipients")
    protected List<File> recipients;

    /**
     * Also encrypt the manifest, whose file list names every upload. {@code manifest.json} then
     * holds only what shows that the backup is complete; listing details and restoring need the key.
     */
    @Parameter(property = "owui.encryptManifest", defaultValue = "false")
    protected boolean encryptManifest;

    /**
     * hot (default; Open WebUI keeps running), paused (its processes frozen for the capture: owui.container)
     * or cold (the service stopped for the capture: owui.composeFile and owui.service). For owui:backup it overrides the plan's mode.
     */
    @Parameter(property = "owui.mode")
    protected String mode;

    /** The Compose file of the stack, for cold mode's default commands. */
    @Parameter(property = "owui.composeFile", defaultValue = "compose.yaml")
    protected File composeFile;

    /** The Compose service of Open WebUI, for cold mode's default commands. */
    @Parameter(property = "owui.service", defaultValue = "open-webui")
    protected String service;

    /** The container of Open WebUI, for paused mode's default commands. */
    @Parameter(property = "owui.container", defaultValue = "open-webui")
    protected String container;

    /** Replaces the stop (cold) or pause (paused) command: a shell command line. */
    @Parameter(property = "owui.stopCommand")
    protected String stopCommand;

    /** Replaces the start (cold) or unpause (paused) command; it runs whatever happens after the stop began. */
    @Parameter(property = "owui.startCommand")
    protected String startCommand;

    /** Seconds each stop/start command may take before it is killed and counts as failed. */
    @Parameter(property = "owui.commandTimeout", defaultValue = "120")
    protected int commandTimeout;

    /**
     * Store every file anew, sharing nothing with earlier backups (no hard links, no server-side
     * copies): a backup that owes nothing to stored copies that may be damaged. Costs a full backup's space.
     */
    @Parameter(property = "owui.full", defaultValue = "false")
    protected boolean full;

    /**
     * For an instance whose database is in PostgreSQL (Open WebUI's DATABASE_URL=postgresql://…), dumped into a hot format 3
     * backup or snapshot:
     * {@code postgresql://HOST:PORT/DATABASE} (a user may be named, a password may not: it belongs in
     * owui.databaseServerId). Or use owui.envFile. Unset: webui.db in the data directory.
     */
    @Parameter(property = "owui.databaseUrl")
    protected String databaseUrl;

    /** A settings.xml server with the database's username and password (used instead of the env file's). */
    @Parameter(property = "owui.databaseServerId")
    protected String databaseServerId;

    /**
     * The env file Open WebUI's container reads (the compose {@code .env}): its DATABASE_URL (with its
     * password, unless owui.databaseServerId is given), PGVECTOR_DB_URL and DATABASE_SCHEMA. Not with owui.databaseUrl.
     */
    @Parameter(property = "owui.envFile")
    protected File envFile;

    /** The folder with PostgreSQL's pg_dump and pg_restore (e.g. /usr/lib/postgresql/16/bin); default: the PATH. */
    @Parameter(property = "owui.pgBin")
    protected File pgBin;

    /**
     * How pg_dump writes a PostgreSQL instance's database: {@code 1} (default) its custom format, one file;
     * 2 to 64 its directory format (one file per table) dumped by that many parallel jobs, for large databases.
     */
    @Parameter(property = "owui.pgJobs", defaultValue = "1")
    protected int pgJobs = 1; // also without Maven's defaultValue (a Mojo built by hand)

    /** The capture's configuration, built once from the parameters and validated before any work. */
    protected CaptureConfig captureConfig(String format, java.nio.file.Path stagingDir) {
        FileSelector selector = new FileSelector(includes, excludes == null || excludes.isEmpty() ? null : excludes);
        FormatChoice choice = FormatChoice.parse(format); // a bad value fails before any work
        return new CaptureConfig(resolve(dataDir), selector, resolve(secretKeyFile), threads, codecSettings(false), codecSettings(true), full, mode,
                new CaptureConfig.Quiescing(resolve(composeFile), service, container, stopCommand, startCommand, Duration.ofSeconds(commandTimeout),
                        basePath()), choice, stagingDir, null);
    }

    /** The instance's databases in PostgreSQL (validated before any work), or null for an instance on SQLite. */
    protected PostgresConfig postgresConfig() {
        return PostgresConfig.of(databaseUrl, databaseServerId, resolve(envFile), resolve(pgBin), pgJobs, this::credentials, environment());
    }

    /** As configured (owui.compression=auto: zstd with {@code zstdByDefault}, else none); the passphrase from settings.xml or the environment. */
    private dev.owui.backup.codec.CodecSettings codecSettings(boolean zstdByDefault) {
        char[] pass = passphrase();
        List<java.nio.file.Path> keys = recipients == null ? List.of() : recipients.stream().map(this::resolve).toList();
        String c = compression == null || compression.isBlank() || compression.trim().equalsIgnoreCase("auto")
                ? (zstdByDefault ? "zstd" : "none") : compression;
        return CodecParameters.writeSettings(c, zstdLevel, pass, keys, encryptManifest);
    }
}
