package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import java.util.function.Consumer;

/**
 * Where a backup finds an instance's databases in PostgreSQL, and how it dumps them: the Open
 * WebUI database (DATABASE_URL, password resolved), the pgvector database when it is a separate
 * one (PGVECTOR_DB_URL), the client tools, and pg_dump's format. Given to a format 3 backup
 * ({@code RepoBackupRunner.Options#postgres}); null there for an instance on SQLite.
 *
 * @param database   the Open WebUI database
 * @param pgvector   the pgvector database when it is not {@code database}, else null
 * @param tools      where pg_dump is (owui.pgBin, or the PATH)
 * @param format     custom (one file, the default) or directory (one file per table, {@code jobs} in parallel)
 * @param jobs       pg_dump/pg_restore jobs for the directory format
 * @param schema     Open WebUI's DATABASE_SCHEMA (where the facts are read), or null
 * @param onSnapshot told each exported snapshot id before its pg_dump starts (progress, tests)
 */
public record PgSource(DatabaseUrl database, DatabaseUrl pgvector, PgTools tools, PgCapture.Format format, int jobs, String schema,
                       Consumer<String> onSnapshot) {
    public PgSource {
        if (database == null) {
            throw new IllegalArgumentException("a PostgreSQL source needs the Open WebUI database");
        }
        tools = tools == null ? PgTools.onPath() : tools;
        format = format == null ? PgCapture.Format.CUSTOM : format;
        jobs = Math.max(1, jobs);
        onSnapshot = onSnapshot == null ? id -> { } : onSnapshot;
        if (database.equals(pgvector)) {
            pgvector = null; // pgvector in the main database: it is in that dump already
        }
    }

    /** The Open WebUI database alone, custom format, pg_dump from the PATH. */
    public static PgSource of(DatabaseUrl database) {
        return new PgSource(database, null, null, null, 1, null, null);
    }

    /** What an instance's environment names ({@link OpenWebUiDatabases}), or null when its database is SQLite. */
    public static PgSource of(OpenWebUiDatabases dbs, PgTools tools) {
        if (dbs == null || dbs.database() == null) {
            return null;
        }
        return new PgSource(dbs.database(), dbs.pgvectorDatabase(), tools, null, 1, dbs.schema(), null);
    }


    public PgSource withTools(PgTools t) {
        return new PgSource(database, pgvector, t, format, jobs, schema, onSnapshot);
    }

    /** pg_dump's directory format with {@code parallelJobs} jobs (large databases). */
    public PgSource directory(int parallelJobs) {
        return new PgSource(database, pgvector, tools, PgCapture.Format.DIRECTORY, parallelJobs, schema, onSnapshot);
    }

    public PgSource inSchema(String s) {
        return new PgSource(database, pgvector, tools, format, jobs, s, onSnapshot);
    }

    public PgSource onSnapshot(Consumer<String> listener) {
        return new PgSource(database, pgvector, tools, format, jobs, schema, listener);
    }

    /** The capture's options for the Open WebUI database (facts in its schema) or the pgvector one. */
    public PgCapture.Options captureOptions(boolean main) {
        PgCapture.Options o = PgCapture.Options.defaults().onSnapshot(onSnapshot);
        if (format == PgCapture.Format.DIRECTORY) {
            o = o.directory(jobs);
        }
        return main ? o.inSchema(schema) : o;
    }

    /**
     * Refuses, before any work, a backup of a PostgreSQL instance that is not a direct format 3
     * hot backup (one per target): cold and paused captures copy files of a stopped or frozen
     * instance (a dump needs the running server, and pausing Open WebUI does not pause it), and a
     * format 2 tree holds a data directory only. Does nothing when {@code source} is null (an
     * instance on SQLite).
     */
    public static void requireDirect(PgSource source, BackupOptions.Mode mode, int format) {
        if (source == null) {
            return;
        }
        String why = why("backup", mode, format);
        if (why != null) {
            throw new OwuiException("PostgreSQL instances are backed up in format 3 in hot mode; " + why
                    + " (database " + source.database() + ")",
                    "run owui:backup with owui.format=3 (or auto at a target that holds no format 2 trees) and owui.mode=hot"
                            + " (a plan's targets each get a backup with its own dump); nothing was written");
        }
    }

    /**
     * The same for owui:snapshot: a snapshot of a PostgreSQL instance is a hot format 3 one (its
     * dump in the repository beside the browsable tree); a cold, paused or format 2 one is refused
     * before any work, so Open WebUI is not stopped for a snapshot that could not hold its database.
     */
    public static void requireDirectSnapshot(PgSource source, BackupOptions.Mode mode, int format) {
        if (source == null) {
            return;
        }
        String why = why("snapshot", mode, format);
        if (why != null) {
            throw new OwuiException("PostgreSQL instances are snapshotted in format 3 in hot mode; " + why
                    + " (database " + source.database() + ")",
                    "run owui:snapshot with owui.mode=hot and owui.format=3 (or auto at a local or sftp:// snapshot directory that holds"
                            + " no format 2 snapshots; an encrypting one also needs the key); the dump is one consistent snapshot of the"
                            + " running server. Nothing was written");
        }
    }

    private static String why(String what, BackupOptions.Mode mode, int format) {
        if (format != 3) {
            return "this " + what + " would write format " + format;
        }
        if (mode != BackupOptions.Mode.HOT) {
            return "this " + what + " is " + mode.manifestName();
        }
        return null;
    }
}
