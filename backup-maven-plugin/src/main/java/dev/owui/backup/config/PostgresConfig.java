package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.postgres.DatabaseUrl;
import dev.owui.backup.postgres.OpenWebUiDatabases;
import dev.owui.backup.postgres.PgTarget;
import dev.owui.backup.postgres.PgTools;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Issue 14's PostgreSQL parameters, resolved: the server (owui.databaseUrl, or DATABASE_URL from
 * owui.envFile), its password (owui.databaseServerId's settings.xml password; else the env
 * file's), Open WebUI's DATABASE_SCHEMA from the env file, and where pg_dump/pg_restore are
 * (owui.pgBin, else the PATH). {@code toString} never shows the password (DatabaseUrl's).
 *
 * @param database the server and database, password resolved
 * @param tools    the PostgreSQL client tools
 * @param schema   DATABASE_SCHEMA, or null
 */
public record PostgresConfig(DatabaseUrl database, PgTools tools, String schema) {

    /**
     * The parameters as given, or null when neither owui.databaseUrl nor owui.envFile is.
     *
     * @param serverPassword a settings.xml server's password by id (called only when {@code serverId} is given)
     * @param environment    for {@code ${VAR}} in the env file
     */
    public static PostgresConfig of(String databaseUrl, String serverId, Function<String, String> serverPassword, Path envFile,
                                    Path pgBin, Map<String, String> environment) {
        boolean hasUrl = databaseUrl != null && !databaseUrl.isBlank();
        if (!hasUrl && envFile == null) {
            if (serverId != null && !serverId.isBlank()) {
                throw new OwuiException("owui.databaseServerId is given without a database",
                        "give owui.databaseUrl=postgresql://USER@HOST:PORT/DATABASE (or owui.envFile) with it");
            }
            return null;
        }
        OpenWebUiDatabases env = envFile == null ? null : OpenWebUiDatabases.fromEnvFile(envFile, environment);
        DatabaseUrl db = hasUrl ? DatabaseUrl.parse(databaseUrl, "owui.databaseUrl") : env.database();
        if (db == null) {
            throw new OwuiException("owui.envFile " + envFile + " names no PostgreSQL database (DATABASE_URL is unset or SQLite)",
                    "give owui.databaseUrl=postgresql://USER@HOST:PORT/DATABASE, or the env file of the instance on PostgreSQL");
        }
        if (serverId != null && !serverId.isBlank()) {
            String password = serverPassword.apply(serverId.strip());
            if (password == null) {
                throw new OwuiException("the settings.xml server '" + serverId.strip() + "' has no password",
                        "add <password> to it (mvn --encrypt-password encrypts it), or unset owui.databaseServerId");
            }
            db = db.withPassword(password);
        }
        return new PostgresConfig(db, pgBin == null ? PgTools.onPath() : PgTools.in(pgBin), env == null ? null : env.schema());
    }

    /** The server as a place for scratch databases (a read or a verify); nothing is restored into {@code database} itself. */
    public PgTarget scratchServer() {
        return new PgTarget(database, null, tools, false, 1, schema, null);
    }
}
