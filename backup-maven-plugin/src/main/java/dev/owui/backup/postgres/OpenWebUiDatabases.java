package dev.owui.backup.postgres;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where an Open WebUI instance keeps its databases, as its environment says: the main database
 * ({@code DATABASE_URL}, or Open WebUI's DATABASE_TYPE/USER/PASSWORD/HOST/PORT/NAME parts) and,
 * with {@code VECTOR_DB=pgvector}, the vector database ({@code PGVECTOR_DB_URL}; Open WebUI uses
 * the main database when it is empty).
 *
 * @param database         the main database, or null when it is SQLite (webui.db in the data directory)
 * @param vectorDb         VECTOR_DB as set (lower case), or "chroma" (Open WebUI's default)
 * @param pgvectorDatabase the pgvector database when it is not the main one, else null
 * @param schema           DATABASE_SCHEMA (the schema of Open WebUI's tables), or null for the default
 */
public record OpenWebUiDatabases(DatabaseUrl database, String vectorDb, DatabaseUrl pgvectorDatabase, String schema) {

    /** True when the pgvector store lives in the main database (nothing separate to dump). */
    public boolean pgvectorInMainDatabase() {
        return "pgvector".equals(vectorDb) && pgvectorDatabase == null;
    }

    /** Reads an env file (the compose project's {@code .env}, an {@code env_file:}). */
    public static OpenWebUiDatabases fromEnvFile(Path file, Map<String, String> environment) {
        return from(EnvFile.read(file, environment), file.toString());
    }

    /** Reads the variables as Open WebUI's env.py does. */
    public static OpenWebUiDatabases from(Map<String, String> env, String where) {
        DatabaseUrl main = DatabaseUrl.fromParts(env, where);
        if (main == null) {
            String url = env.get("DATABASE_URL");
            main = DatabaseUrl.isPostgres(url) ? DatabaseUrl.parse(url, "DATABASE_URL in " + where) : null;
        }
        String vector = env.getOrDefault("VECTOR_DB", "chroma").strip().toLowerCase(Locale.ROOT);
        if (vector.isEmpty()) {
            vector = "chroma";
        }
        DatabaseUrl pgvector = null;
        String pv = env.get("PGVECTOR_DB_URL");
        if ("pgvector".equals(vector) && pv != null && !pv.isBlank()) {
            pgvector = DatabaseUrl.parse(pv, "PGVECTOR_DB_URL in " + where);
            if (pgvector.equals(main)) {
                pgvector = null;
            }
        }
        String schema = env.get("DATABASE_SCHEMA");
        return new OpenWebUiDatabases(main, vector, pgvector, schema == null || schema.isBlank() ? null : schema.strip());
    }
}
