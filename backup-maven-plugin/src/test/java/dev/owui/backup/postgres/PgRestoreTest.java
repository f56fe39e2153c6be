package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PgRestore against a real PostgreSQL: empty targets only, force renames aside, sessions refuse, verify. */
class PgRestoreTest {
    static PostgresServer server;

    @BeforeAll
    static void start() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static final PgRestore RESTORE = new PgRestore(PgTools.onPath());

    private static PgCapture.Result captured(String db, Path tmp, PgCapture.Options options) throws SQLException {
        PgOpenWebUi.createDatabase(server, db, 12);
        return new PgCapture(PgTools.onPath()).capture(server.appUrl(db), tmp.resolve(db + ".dump"), options);
    }

    private static long users(String db) throws SQLException {
        try (Connection c = server.connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM \"user\"")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> databases(String like) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + like + "' ORDER BY 1")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    @Test
    void restoresIntoANewDatabaseAndIntoAnExistingEmptyOne(@TempDir Path tmp) throws Exception {
        PgCapture.Result cap = captured("src1", tmp, PgCapture.Options.defaults());
        PgRestore.Result r = RESTORE.restore(server.appUrl("copy1"), cap.dump(), PgRestore.Options.defaults());
        assertEquals("copy1", r.database());
        assertNull(r.renamedAside());
        assertEquals(cap.facts().counts(), r.facts().counts());
        assertEquals(cap.facts().schemaRevision(), r.facts().schemaRevision());
        assertEquals(cap.facts().uploadRows(), r.facts().uploadRows());

        // Where the role may not create databases, the operator makes an empty one: that is restored into.
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE empty1 OWNER " + PostgresServer.APP_ROLE);
        }
        PgCapture.Result dir = new PgCapture(PgTools.onPath()).capture(server.appUrl("src1"), tmp.resolve("src1.d"),
                PgCapture.Options.defaults().directory(2));
        PgRestore.Result e = RESTORE.restore(server.appUrl("empty1"), dir.dump(), PgRestore.Options.defaults().withJobs(2));
        assertEquals(cap.facts().counts(), e.facts().counts());
    }

    @Test
    void refusesADatabaseThatHoldsTablesWithoutForce(@TempDir Path tmp) throws Exception {
        PgCapture.Result cap = captured("src2", tmp, PgCapture.Options.defaults());
        OwuiException e = assertThrows(OwuiException.class,
                () -> RESTORE.restore(server.appUrl("src2"), cap.dump(), PgRestore.Options.defaults()));
        assertTrue(e.getMessage().contains("database src2"), e.getMessage());
        assertTrue(e.getMessage().contains("already holds"), e.getMessage());
        assertTrue(e.getMessage().contains("owui.force"), e.getMessage());
        assertEquals(3, users("src2"));
        assertEquals(List.of(), databases("src2_before_%"));
    }

    @Test
    void refusesWhileAnotherSessionIsConnectedNamingIt(@TempDir Path tmp) throws Exception {
        PgCapture.Result cap = captured("src3", tmp, PgCapture.Options.defaults());
        try (Connection openWebUi = server.connect("src3", "open-webui")) {
            int pid;
            try (Statement s = openWebUi.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                pid = r.getInt(1);
            }
            OwuiException e = assertThrows(OwuiException.class,
                    () -> RESTORE.restore(server.appUrl("src3"), cap.dump(), PgRestore.Options.defaults().withForce(true)));
            assertTrue(e.getMessage().contains("pid " + pid + " (user owui, application 'open-webui', from 127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("stop Open WebUI"), e.getMessage());
        }
        assertEquals(List.of(), databases("src3_before_%"), "nothing renamed");
        assertEquals(3, users("src3"));
    }

    @Test
    void forceRenamesTheOldDatabaseAsideAndNeverDropsIt(@TempDir Path tmp) throws Exception {
        PgCapture.Result cap = captured("src4", tmp, PgCapture.Options.defaults());
        try (Connection c = server.connect("src4"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO \"user\" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at)"
                    + " VALUES ('late', 'Late', 'late@example.org', 'user', '/u.png', 1, 1, 1)");
        }
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T16:30:05Z"), ZoneOffset.UTC);
        PgRestore.Result r = RESTORE.restore(server.appUrl("src4"), cap.dump(), PgRestore.Options.defaults().withForce(true).withClock(clock));
        assertEquals("src4_before_20261128T163005Z", r.renamedAside());
        assertEquals(3, users("src4"), "the restored database is the capture");
        assertEquals(4, users("src4_before_20261128T163005Z"), "the previous one is kept, with the row written after the capture");
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'src4'")) {
            rs.next();
            assertEquals(PostgresServer.APP_ROLE, rs.getString(1), "the new database has the old one's owner");
        }
    }

    @Test
    void asideNameFitsPostgresIdentifierLimit() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T16:30:05Z"), ZoneOffset.UTC);
        String name = PgRestore.asideName("x".repeat(70), clock);
        assertEquals(63, name.length());
        assertTrue(name.endsWith("_before_20261128T163005Z"));
    }

    @Test
    void verifyRestoresIntoAScratchDatabaseComparesAndDropsIt(@TempDir Path tmp) throws Exception {
        PgCapture.Result cap = captured("src5", tmp, PgCapture.Options.defaults());
        PgRestore.Verification ok = RESTORE.verify(server.appUrl("src5"), cap.dump(), cap.facts(), PgRestore.Options.defaults());
        assertTrue(ok.ok(), ok.differences().toString());
        assertTrue(ok.scratchDatabase().startsWith("owui_verify_"));

        Map<String, Long> counts = new LinkedHashMap<>(cap.facts().counts());
        counts.put("chats", counts.get("chats") + 1);
        DatabaseFacts wrong = new DatabaseFacts("0000older0000", counts, cap.facts().uploadRows(), cap.facts().externalFiles());
        PgRestore.Verification bad = RESTORE.verify(server.appUrl("src5"), cap.dump(), wrong, PgRestore.Options.defaults());
        assertFalse(bad.ok());
        assertEquals(List.of("schema revision: recorded 0000older0000, restored " + cap.facts().schemaRevision(),
                "chats: recorded 13, restored 12"), bad.differences());
        assertEquals(List.of(), databases("owui_verify_%"), "scratch databases are dropped");
    }
}
