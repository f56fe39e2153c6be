package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:snapshot of an instance whose database is in PostgreSQL, as Maven runs it, against a real
 * server: the roll-back point before an upgrade holds the database's dump, and owui:restore from
 * the snapshot directory puts the database back as it was; cold, paused and format 2 snapshots are
 * refused before any work; the password shows in no log line and no report.
 */
@MojoTest
class PostgresSnapshotMojoTest {
    static PostgresServer server;

    @TempDir
    Path tmp;
    final PostgresMojoTest.Lines log = new PostgresMojoTest.Lines();

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

    private Path common(AbstractMojo mojo, String db) throws Exception {
        Path report = tmp.resolve("reports/" + System.nanoTime() + ".json");
        Files.createDirectories(report.getParent());
        mojo.setLog(log);
        setVariableValueToObject(mojo, "settings", PostgresMojoTest.settings(server));
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", report.toString());
        setVariableValueToObject(mojo, "databaseUrl", PostgresMojoTest.url(server, db));
        setVariableValueToObject(mojo, "databaseServerId", PostgresMojoTest.SERVER_ID);
        return report;
    }

    private Path snapshot(SnapshotMojo mojo, Path data, Path snaps, String db) throws Exception {
        Path report = common(mojo, db);
        setVariableValueToObject(mojo, "dataDir", data.toFile());
        setVariableValueToObject(mojo, "snapshotDir", snaps.toString());
        return report;
    }

    private static String one(String db, String query) throws Exception {
        try (Connection c = server.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private static void update(String db, String... statements) throws Exception {
        try (Connection c = server.connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.executeUpdate(s);
            }
        }
    }

    private void assertNoPassword(Path... reports) throws Exception {
        assertFalse(log.all().contains(server.appPassword()), "the password is in the log:\n" + log.all());
        for (Path r : reports) {
            if (Files.exists(r)) {
                assertFalse(Files.readString(r).contains(server.appPassword()), "the password is in the report " + r);
            }
        }
    }

    @Test
    void aSnapshotHoldsTheDatabaseAndRestoreRollsItBack(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot,
                                                        @InjectMojo(goal = "restore") RestoreMojo restore) throws Exception {
        Path data = PostgresMojoTest.instance(server, tmp, "snap_src");
        Path snaps = tmp.resolve("snapshots");
        String chat = one("snap_src", "SELECT id FROM chat ORDER BY id LIMIT 1");
        String title = one("snap_src", "SELECT title FROM chat WHERE id = '" + chat + "'");
        Path snapshotReport = snapshot(snapshot, data, snaps, "snap_src");
        snapshot.execute();
        JsonNode s = ReportSchema.validate(snapshotReport).get("snapshot");
        String id = s.get("backupId").asText();
        JsonNode dumps = PostgresMojoTest.head(snaps.resolve("test"), id).get("postgres");
        assertEquals(1, dumps.size(), "the snapshot holds the database's dump: " + dumps);
        assertTrue(Files.isDirectory(snaps.resolve("test/trees/" + id + "/uploads")), "the browsable tree holds the data directory");
        assertFalse(Files.exists(snaps.resolve("test/trees/" + id + "/_outside-data-dir")), "the tree holds no dump");
        // The closing lines say how to roll the database back: with owui:restore, or with pg_restore by hand.
        String all = log.all();
        assertTrue(all.contains("mvn owui:restore -Dowui.target=" + snaps) && all.contains("-Dowui.backupId=" + id)
                && all.contains("-Dowui.databaseUrl=postgresql://127.0.0.1:" + server.port() + "/snap_src") && all.contains("-Dowui.force=true"), all);
        assertTrue(all.contains("createdb -T template0 openwebui && pg_restore --no-owner --exit-on-error --single-transaction"), all);

        // The upgrade: Open WebUI migrates its database and users go on writing.
        update("snap_src", "UPDATE alembic_version SET version_num = 'upgraded0001'",
                "UPDATE chat SET title = 'written after the upgrade' WHERE id = '" + chat + "'");

        Path restoreReport = common(restore, "snap_src");
        setVariableValueToObject(restore, "target", snaps.toString());
        setVariableValueToObject(restore, "dataDir", data.toFile());
        setVariableValueToObject(restore, "force", true);
        restore.execute();
        ReportSchema.validate(restoreReport);
        assertEquals(PgOpenWebUi.REVISION, one("snap_src", "SELECT version_num FROM alembic_version"), "the schema is rolled back");
        assertEquals(title, one("snap_src", "SELECT title FROM chat WHERE id = '" + chat + "'"), "the row is as it was at the snapshot");
        String aside = one("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'snap_src_before_%'");
        assertEquals("upgraded0001", one(aside, "SELECT version_num FROM alembic_version"), "the upgraded database was renamed aside, not dropped");
        assertNoPassword(snapshotReport, restoreReport);
    }

    @Test
    void coldPausedAndFormat2SnapshotsAreRefusedBeforeAnyWork(@InjectMojo(goal = "snapshot") SnapshotMojo mojo) throws Exception {
        Path data = PostgresMojoTest.instance(server, tmp, "snap_refused");
        Path snaps = tmp.resolve("refused");
        Path report = snapshot(mojo, data, snaps, "snap_refused");
        for (String mode : new String[] {"cold", "paused"}) {
            setVariableValueToObject(mojo, "mode", mode);
            setVariableValueToObject(mojo, "stopCommand", "touch " + tmp.resolve("stopped-" + mode));
            MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
            assertTrue(e.getMessage().startsWith("PostgreSQL instances are snapshotted in format 3 in hot mode; this snapshot is " + mode),
                    e.getMessage());
            assertFalse(Files.exists(tmp.resolve("stopped-" + mode)), "Open WebUI was not stopped or paused");
        }
        setVariableValueToObject(mojo, "mode", null);
        setVariableValueToObject(mojo, "format", "2");
        MojoFailureException tree = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(tree.getMessage().contains("this snapshot would write format 2"), tree.getMessage());
        assertFalse(Files.exists(snaps), "nothing was written in the snapshot directory");
        assertNoPassword(report);
    }
}
