package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.postgres.DatabaseUrl;
import dev.owui.backup.postgres.OpenWebUiDatabases;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.postgres.PgTarget;
import dev.owui.backup.postgres.PgTools;
import dev.owui.backup.store.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where an instance's databases are in PostgreSQL (issue 14), built once from owui.databaseUrl or
 * owui.envFile, owui.databaseServerId and owui.pgBin, and validated before any work. The password
 * comes only from the settings.xml server or the env file, never from the pom or the command
 * line, and is never shown ({@link DatabaseUrl#toString()} prints {@code ***}).
 *
 * @param databases the Open WebUI database, the pgvector one when separate, DATABASE_SCHEMA
 * @param tools     where pg_dump and pg_restore are (owui.pgBin, or the PATH)
 * @param jobs      owui.pgJobs: 1, pg_dump's custom format (one file); more, its directory format dumped with that many jobs; on a restore, pg_restore's jobs
 */
public record PostgresConfig(OpenWebUiDatabases databases, PgTools tools, int jobs) {
    /** The most owui.pgJobs takes: more jobs than this is more connections than a server's default 100 spares. */
    public static final int MAX_JOBS = 64;

    /** A configuration that dumps in the custom format (restore, verify and export-chats dump nothing). */
    public static PostgresConfig of(String databaseUrl, String serverId, Path envFile, Path pgBin,
                                    Function<String, Credentials> credentials, Map<String, String> environment) {
        return of(databaseUrl, serverId, envFile, pgBin, 1, credentials, environment);
    }

    /**
     * The configuration the parameters give, or null when neither owui.databaseUrl nor
     * owui.envFile is set (an instance on SQLite).
     *
     * @param databaseUrl owui.databaseUrl: postgresql://[user@]host:port/database, no password in it
     * @param serverId    owui.databaseServerId: the settings.xml server with the user and password, or null
     * @param envFile     owui.envFile: the compose .env with DATABASE_URL (PGVECTOR_DB_URL, DATABASE_SCHEMA), or null
     * @param pgBin       owui.pgBin: the folder with pg_dump and pg_restore, or null for the PATH
     * @param jobs        owui.pgJobs: 1 (custom format) to {@value #MAX_JOBS} (directory format, that many pg_dump jobs)
     * @param credentials looks a settings.xml server up (fails naming a missing one)
     * @param environment what ${VAR} in the env file may refer to
     */
    public static PostgresConfig of(String databaseUrl, String serverId, Path envFile, Path pgBin, int jobs,
                                    Function<String, Credentials> credentials, Map<String, String> environment) {
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw new OwuiException("owui.pgJobs=" + jobs + " is out of range (1 to " + MAX_JOBS + ")",
                    "give 1 for pg_dump's custom format (one file, the default) or 2 to " + MAX_JOBS
                            + " for its directory format dumped by that many jobs (each one a connection to the server)");
        }
        boolean url = databaseUrl != null && !databaseUrl.isBlank();
        boolean server = serverId != null && !serverId.isBlank();
        if (url && envFile != null) {
            throw new OwuiException("owui.databaseUrl and owui.envFile are both given",
                    "give one: owui.envFile reads DATABASE_URL (and PGVECTOR_DB_URL, DATABASE_SCHEMA) from the compose .env,"
                            + " owui.databaseUrl names the database alone with its password in the settings.xml server owui.databaseServerId");
        }
        if (!url && envFile == null) {
            if (server || pgBin != null || jobs != 1) {
                throw new OwuiException((server ? "owui.databaseServerId" : pgBin != null ? "owui.pgBin" : "owui.pgJobs") + " is given without a database",
                        "set owui.databaseUrl=postgresql://HOST:PORT/DATABASE or owui.envFile (the compose .env that sets DATABASE_URL)");
            }
            return null;
        }
        Credentials login = server ? login(serverId, credentials) : null;
        OpenWebUiDatabases dbs;
        if (url) {
            DatabaseUrl main = DatabaseUrl.parse(databaseUrl, "owui.databaseUrl", login == null ? null : login.username());
            if (main.hasPassword()) {
                // Not shown: it is the password. A pom or a shell history is no place for it.
                throw new OwuiException("owui.databaseUrl holds a password",
                        "remove it from the URL (postgresql://USER@HOST:PORT/DATABASE) and put it in a settings.xml <server>"
                                + " named by owui.databaseServerId (or use owui.envFile, the compose .env Open WebUI reads)");
            }
            dbs = new OpenWebUiDatabases(login != null && login.password() != null ? main.withPassword(login.password()) : main,
                    "chroma", null, null);
        } else {
            if (!Files.isRegularFile(envFile)) {
                throw new OwuiException("owui.envFile " + envFile + " is not a file",
                        "name the env file Open WebUI's container reads DATABASE_URL from (e.g. the compose project's .env)");
            }
            dbs = OpenWebUiDatabases.fromEnvFile(envFile, environment);
            if (dbs.database() == null) {
                throw new OwuiException("owui.envFile " + envFile + " names no PostgreSQL database (DATABASE_URL is unset or not postgresql://)",
                        "for an instance on SQLite leave owui.envFile unset; else name the .env that sets DATABASE_URL=postgresql://…");
            }
            if (login != null && login.password() != null) {
                dbs = new OpenWebUiDatabases(dbs.database().withPassword(login.password()), dbs.vectorDb(), dbs.pgvectorDatabase(), dbs.schema());
            }
        }
        PgTools tools = PgTools.onPath();
        if (pgBin != null) {
            if (!Files.isDirectory(pgBin)) {
                throw new OwuiException("owui.pgBin " + pgBin + " is not a directory",
                        "point it at the bin folder of PostgreSQL's client tools, e.g. /usr/lib/postgresql/16/bin, or unset it to use the PATH");
            }
            tools = PgTools.in(pgBin);
        }
        return new PostgresConfig(dbs, tools, jobs);
    }

    private static Credentials login(String serverId, Function<String, Credentials> credentials) {
        try {
            return credentials.apply(serverId);
        } catch (OwuiException e) {
            throw new OwuiException(e.getMessage() + " (owui.databaseServerId)",
                    "add <servers><server><id>" + serverId + "</id><username>…</username><password>…</password></server></servers>"
                            + " to ~/.m2/settings.xml, or unset owui.databaseServerId", e);
        }
    }

    /** What a backup or snapshot dumps, and in which of pg_dump's formats. */
    public PgSource source() {
        PgSource s = PgSource.of(databases, tools);
        return jobs > 1 ? s.directory(jobs) : s;
    }

    /**
     * Where a restore puts the dumps: into the database, an existing one with tables renamed aside
     * with {@code force}; pg_restore runs with owui.pgJobs jobs.
     */
    public PgTarget restoreInto(boolean force) {
        return PgTarget.of(databases, tools).withForce(force).withJobs(jobs);
    }

    /**
     * The server whose scratch database a verify (or export-chats) restores a dump into: only its
     * database (the server), schema and tools are read; pg_restore in one transaction.
     */
    public PgTarget scratchServer() {
        return PgTarget.of(databases, tools);
    }

    @Override
    public String toString() {
        return "PostgresConfig[database=" + databases.database() + ", pgvector=" + databases.pgvectorDatabase() + ", jobs=" + jobs + "]";
    }
}
