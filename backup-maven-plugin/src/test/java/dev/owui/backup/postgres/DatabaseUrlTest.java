package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseUrlTest {
    private static final String SECRET = "s3cr:et@/pa%ss";
    private static final String ENCODED = "s3cr%3Aet%40%2Fpa%25ss";

    @Test
    void parsesOpenWebUiDatabaseUrlForms() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://owui:" + ENCODED + "@db.internal:5433/openwebui?sslmode=require", "DATABASE_URL");
        assertEquals("owui", u.user());
        assertEquals(SECRET, u.password());
        assertEquals("db.internal", u.host());
        assertEquals(5433, u.port());
        assertEquals("openwebui", u.database());
        assertEquals("require", u.libpqEnvironment().get("PGSSLMODE"));
        assertEquals("jdbc:postgresql://db.internal:5433/openwebui", u.jdbcUrl());
        assertEquals("require", u.jdbcProperties().getProperty("sslmode"));

        // postgres:// (Heroku style, which Open WebUI rewrites) and SQLAlchemy's dialect+driver form
        assertEquals(u.withDatabase("x"), DatabaseUrl.parse("postgres://owui:" + ENCODED + "@db.internal:5433/x?sslmode=require", "t"));
        DatabaseUrl d = DatabaseUrl.parse("postgresql+psycopg2://owui:pw@db/openwebui", "t");
        assertEquals(5432, d.port());
        assertEquals("db", d.host());

        // no database: libpq's default, the user's name; a Unix socket directory in the query
        DatabaseUrl s = DatabaseUrl.parse("postgresql://owui@/?host=/var/run/postgresql", "t");
        assertTrue(s.isSocket());
        assertEquals("owui", s.database());
        assertFalse(s.hasPassword());
        assertEquals("/var/run/postgresql", s.libpqEnvironment().get("PGHOST"));

        DatabaseUrl v6 = DatabaseUrl.parse("postgresql://owui:pw@[::1]:6000/db", "t");
        assertEquals("::1", v6.host());
        assertEquals(6000, v6.port());
        assertEquals("jdbc:postgresql://[::1]:6000/db", v6.jdbcUrl());
    }

    @Test
    void passwordNeverInToStringNorErrors() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://owui:" + ENCODED + "@db:5432/openwebui", "t");
        assertEquals("postgresql://owui:***@db:5432/openwebui", u.toString());
        assertFalse(u.libpqEnvironment().toString().contains(SECRET));
        assertEquals("could not connect as owui with ***", u.redact("could not connect as owui with " + SECRET));

        // A URL whose '@' was lost: the password lands where the port goes. The error must not echo it.
        OwuiException e = assertThrows(OwuiException.class, () -> DatabaseUrl.parse("postgresql://owui:hunter2secret/openwebui", "DATABASE_URL in .env"));
        assertFalse(e.getMessage().contains("hunter2secret"), e.getMessage());
        assertTrue(e.getMessage().contains("DATABASE_URL in .env"), e.getMessage());
        // A malformed %-escape in the password
        e = assertThrows(OwuiException.class, () -> DatabaseUrl.parse("postgresql://owui:hunter%zz2@db/x", "t"));
        assertFalse(e.getMessage().contains("hunter"), e.getMessage());
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void sqliteUrlIsNotPostgres() {
        assertFalse(DatabaseUrl.isPostgres("sqlite:////app/backend/data/webui.db"));
        OwuiException e = assertThrows(OwuiException.class, () -> DatabaseUrl.parse("sqlite:///data/webui.db", "owui.databaseUrl"));
        assertTrue(e.getMessage().contains("not a PostgreSQL URL"), e.getMessage());
    }

    @Test
    void envFileAsComposeReadsIt(@TempDir Path dir) throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, """
                # Open WebUI on PostgreSQL
                POSTGRES_USER=owui
                export POSTGRES_PASSWORD='p@ss # not a comment $NOT_SUBSTITUTED'
                POSTGRES_DB="openwebui"   # a comment after a quoted value
                PLAIN=value # an inline comment
                HASH_IN_VALUE=a#b
                DATABASE_URL="postgresql://${POSTGRES_USER}:secret@db:5432/${POSTGRES_DB:-fallback}"
                MULTI="line one
                line two"
                ESCAPED="tab\\there \\"quoted\\""
                DOLLAR=$$literal
                FROM_ENV=${HOME_DIR}/x
                VECTOR_DB=pgvector
                """);
        Map<String, String> m = EnvFile.read(env, Map.of("HOME_DIR", "/home/op"));
        assertEquals("owui", m.get("POSTGRES_USER"));
        assertEquals("p@ss # not a comment $NOT_SUBSTITUTED", m.get("POSTGRES_PASSWORD")); // single quotes: literal
        assertEquals("openwebui", m.get("POSTGRES_DB"));
        assertEquals("value", m.get("PLAIN"));
        assertEquals("a#b", m.get("HASH_IN_VALUE"));
        assertEquals("postgresql://owui:secret@db:5432/openwebui", m.get("DATABASE_URL"));
        assertEquals("line one\nline two", m.get("MULTI"));
        assertEquals("tab\there \"quoted\"", m.get("ESCAPED"));
        assertEquals("$literal", m.get("DOLLAR"));
        assertEquals("/home/op/x", m.get("FROM_ENV"));

        OpenWebUiDatabases dbs = OpenWebUiDatabases.fromEnvFile(env, Map.of());
        assertEquals("db", dbs.database().host());
        assertEquals("openwebui", dbs.database().database());
        assertEquals("pgvector", dbs.vectorDb());
        assertTrue(dbs.pgvectorInMainDatabase(), "no PGVECTOR_DB_URL: Open WebUI keeps the vectors in the main database");
    }

    @Test
    void envFileErrorsNameTheLineNotTheValue(@TempDir Path dir) throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, "A=1\nDATABASE_URL=\"postgresql://owui:topsecretvalue@db/x\n");
        OwuiException e = assertThrows(OwuiException.class, () -> EnvFile.read(env, Map.of()));
        assertTrue(e.getMessage().contains("line 2 of " + env), e.getMessage());
        assertTrue(e.getMessage().contains("DATABASE_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("topsecretvalue"), e.getMessage());
    }

    @Test
    void openWebUiVariablesPartsAndSeparatePgvector() {
        OpenWebUiDatabases parts = OpenWebUiDatabases.from(Map.of("DATABASE_TYPE", "postgresql", "DATABASE_USER", "owui",
                "DATABASE_PASSWORD", "pw", "DATABASE_HOST", "pg", "DATABASE_PORT", "5432", "DATABASE_NAME", "webui",
                "DATABASE_URL", "sqlite:///ignored"), "env");
        assertEquals("postgresql://owui:***@pg:5432/webui", parts.database().toString());
        assertEquals("chroma", parts.vectorDb());
        assertNull(parts.schema());
        assertEquals("webui", OpenWebUiDatabases.from(Map.of("DATABASE_URL", "postgresql://owui:pw@pg/webui",
                "DATABASE_SCHEMA", "webui"), "env").schema());

        OpenWebUiDatabases sep = OpenWebUiDatabases.from(Map.of("DATABASE_URL", "postgresql://owui:pw@pg/webui",
                "VECTOR_DB", "pgvector", "PGVECTOR_DB_URL", "postgresql://vec:pw2@pg/vectors"), "env");
        assertEquals("vectors", sep.pgvectorDatabase().database());
        assertFalse(sep.pgvectorInMainDatabase());

        OpenWebUiDatabases same = OpenWebUiDatabases.from(Map.of("DATABASE_URL", "postgresql://owui:pw@pg/webui",
                "VECTOR_DB", "pgvector", "PGVECTOR_DB_URL", "postgres://owui:pw@pg/webui"), "env");
        assertTrue(same.pgvectorInMainDatabase());

        OpenWebUiDatabases sqlite = OpenWebUiDatabases.from(Map.of("DATABASE_URL", "sqlite:////app/backend/data/webui.db"), "env");
        assertNull(sqlite.database());
    }
}
