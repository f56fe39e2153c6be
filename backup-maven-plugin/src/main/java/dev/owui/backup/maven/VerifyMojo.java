package dev.owui.backup.maven;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.config.PostgresConfig;
import dev.owui.backup.config.VerifyConfig;
import dev.owui.backup.render.VerifyRender;
import java.io.File;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Re-reads stored backups: every file against its SHA-256, integrity_check on every database, the
 * file rows against the uploads. Fails listing every damage found, and records the damaged files at
 * the target (damage/) so the next backup stores them anew rather than sharing the damaged copies.
 * Format 3 backups (a repository at the target) are verified the same way, reading the part of
 * their objects that owui.readData names.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractTargetMojo {

    /** The backup to verify: an id, {@code all} (every backup of both formats), or unset for the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    /**
     * For format 3 backups, which stored objects are read back: {@code all} (the default: verify
     * reads everything, as it always has), {@code none} (every head and chunk read, every object
     * checked to exist with its size, no content read), {@code n/t} such as {@code 1/7} (the n-th
     * of t parts by object name, so t runs read everything once: restic's read-data-subset), or a
     * percentage such as {@code 10%} (a part that changes each day). Format 1/2 backups are always
     * read whole, whatever this says.
     */
    @Parameter(property = "owui.readData", defaultValue = "all")
    private String readData;


    /**
     * The PostgreSQL server a backup's dumps are restored on for a check (into a scratch database owui_verify_<random>, dropped after; with owui.readData=all), named by one of its databases:
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

    @Override
    protected String goal() {
        return "verify";
    }

    @Override
    protected void run() {
        VerifyConfig config = VerifyConfig.of(targets(), backupId, readData, // a readData typo fails before any target is read
                PostgresConfig.of(databaseUrl, databaseServerId, resolve(envFile), resolve(pgBin), this::credentials, environment()));
        PerTarget.Outcomes<?> r = owui().verify(config, new VerifyRender(engineLog(), report())::target);
        r.throwIfFailed();
    }
}
