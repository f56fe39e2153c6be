package dev.owui.backup.postgres;

import java.nio.file.Path;

/**
 * Where a restore puts a backup's PostgreSQL dumps, or where a verify restores them for a check.
 *
 * @param database the Open WebUI database to restore into (given like the source: a DatabaseUrl
 *                 with its password), or null: the dumps are written as files to {@code dumpsTo}
 *                 with the pg_restore line to run by hand. For a verify, the server whose
 *                 scratch database ({@code owui_verify_<random>}) takes the restore.
 * @param pgvector the pgvector database, when the backup holds a separate pgvector dump; null
 *                 writes that dump as a file beside the data directory
 * @param tools    where pg_restore is (owui.pgBin, or the PATH)
 * @param force    a database that holds tables is renamed aside ({@code <name>_before_<time>}), never dropped
 * @param jobs     pg_restore jobs (owui.pgJobs), for either dump format
 * @param schema   Open WebUI's DATABASE_SCHEMA, where the restored facts are read (null: the default)
 * @param dumpsTo  the folder for dumps restored as files (must not exist); null: beside the
 *                 restored data directory, {@code <data dir>.postgres}
 */
public record PgTarget(DatabaseUrl database, DatabaseUrl pgvector, PgTools tools, boolean force, int jobs, String schema, Path dumpsTo) {
    public PgTarget {
        tools = tools == null ? PgTools.onPath() : tools;
        jobs = Math.max(1, jobs);
    }

    /**
     * What an instance's environment names ({@link OpenWebUiDatabases}): its Open WebUI database,
     * the pgvector one when separate, and its schema; one pg_restore job, nothing renamed aside.
     */
    public static PgTarget of(OpenWebUiDatabases dbs, PgTools tools) {
        return new PgTarget(dbs.database(), dbs.pgvectorDatabase(), tools, false, 1, dbs.schema(), null);
    }

    /** Into {@code database} (created when missing, refused when it holds tables). */
    public static PgTarget into(DatabaseUrl database) {
        return new PgTarget(database, null, null, false, 1, null, null);
    }

    /** No database: the dumps as files into {@code folder}. */
    public static PgTarget asFiles(Path folder) {
        return new PgTarget(null, null, null, false, 1, null, folder);
    }

    public PgTarget withForce(boolean f) {
        return new PgTarget(database, pgvector, tools, f, jobs, schema, dumpsTo);
    }



    public PgTarget withJobs(int j) {
        return new PgTarget(database, pgvector, tools, force, j, schema, dumpsTo);
    }

    public PgTarget withDumpsTo(Path folder) {
        return new PgTarget(database, pgvector, tools, force, jobs, schema, folder);
    }

    /** PgRestore's options for this target. */
    public PgRestore.Options restoreOptions() {
        return PgRestore.Options.defaults().withForce(force).withJobs(jobs).inSchema(schema);
    }
}
