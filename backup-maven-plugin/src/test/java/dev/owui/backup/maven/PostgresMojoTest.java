package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.postgres.PgFacts;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:backup, owui:restore and owui:verify of an instance whose database is in PostgreSQL, as
 * Maven runs them (issue 14's parameters), against a real server: the password comes from a
 * settings.xml server or the env file and shows in no log line and no report.
 */
@MojoTest
class PostgresMojoTest {
    static final String SERVER_ID = "owui-db";
    static PostgresServer server;

    @TempDir
    Path tmp;
    final Lines log = new Lines();

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

    /** Every line a goal logs, at every level. */
    static final class Lines extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add(content.toString());
            super.info(content);
        }

        @Override
        public void warn(CharSequence content) {
            lines.add(content.toString());
            super.warn(content);
        }

        @Override
        public void error(CharSequence content) {
            lines.add(content.toString());
            super.error(content);
        }

        @Override
        public void debug(CharSequence content) {
            lines.add(content.toString());
        }

        String all() {
            return String.join("\n", lines);
        }
    }

    private Path instance(String name) throws Exception {
        return instance(server, tmp, name);
    }

    /** An Open WebUI database {@code name} on {@code server} filled by the generator, and a data directory (no webui.db) with its uploads under {@code tmp}. */
    static Path instance(PostgresServer server, Path tmp, String name) throws Exception {
        return PgOpenWebUi.writeUploads(PgOpenWebUi.createDatabase(server, name, 12), tmp.resolve("data-" + name));
    }

    private static Map<String, Long> counts(String db) throws Exception {
        return counts(server, db);
    }

    static Map<String, Long> counts(PostgresServer server, String db) throws Exception {
        try (Connection c = server.connect(db)) {
            return PgFacts.read(c).counts();
        }
    }

    /** The settings.xml with the database's login (the password is only there). */
    private static Settings settings() {
        return settings(server);
    }

    static Settings settings(PostgresServer server) {
        Server s = new Server();
        s.setId(SERVER_ID);
        s.setUsername(PostgresServer.APP_ROLE);
        s.setPassword(server.appPassword());
        Settings settings = new Settings();
        settings.addServer(s);
        return settings;
    }

    /** postgresql://127.0.0.1:port/db: no user, no password (both from the settings.xml server). */
    private static String url(String db) {
        return url(server, db);
    }

    static String url(PostgresServer server, String db) {
        return "postgresql://127.0.0.1:" + server.port() + "/" + db;
    }

    private Path common(AbstractMojo mojo, String target) throws Exception {
        Path report = tmp.resolve("reports/" + System.nanoTime() + ".json");
        Files.createDirectories(report.getParent());
        mojo.setLog(log);
        setVariableValueToObject(mojo, "settings", settings());
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", report.toString());
        return report;
    }

    private Path backup(BackupMojo mojo, Path data, String target, String db) throws Exception {
        Path report = common(mojo, target);
        setVariableValueToObject(mojo, "dataDir", data.toFile());
        setVariableValueToObject(mojo, "databaseUrl", url(db));
        setVariableValueToObject(mojo, "databaseServerId", SERVER_ID);
        return report;
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
    void backupRestoreAndVerifyAPostgresInstance(@InjectMojo(goal = "backup") BackupMojo backup, @InjectMojo(goal = "restore") RestoreMojo restore,
                                                 @InjectMojo(goal = "verify") VerifyMojo verify) throws Exception {
        Path data = instance("mojo_src");
        String target = tmp.resolve("nas").toString();
        Path backupReport = backup(backup, data, target, "mojo_src");
        backup.execute();
        JsonNode b = ReportSchema.validate(backupReport).get("backup");
        assertEquals(3, b.get("format").asInt(), b.toString());
        String id = b.get("backupId").asText();

        Path restoreReport = common(restore, target);
        Path restored = tmp.resolve("restored");
        setVariableValueToObject(restore, "dataDir", restored.toFile());
        setVariableValueToObject(restore, "databaseUrl", url("mojo_restored"));
        setVariableValueToObject(restore, "databaseServerId", SERVER_ID);
        restore.execute();
        ReportSchema.validate(restoreReport);
        assertEquals(counts("mojo_src"), counts("mojo_restored"), "the restored database holds the same rows");
        assertTrue(Files.isDirectory(restored.resolve("uploads")), "the uploads are restored into the data directory");
        assertFalse(Files.exists(tmp.resolve("restored.postgres")), "the dump went into the database, not beside the data directory");

        Path verifyReport = common(verify, target);
        setVariableValueToObject(verify, "databaseUrl", url("postgres"));
        setVariableValueToObject(verify, "databaseServerId", SERVER_ID);
        verify.execute();
        JsonNode v = ReportSchema.validate(verifyReport);
        assertTrue(v.toString().contains(id), v.toString());
        assertFalse(log.all().contains("checked by their hash only"), log.all());
        assertEquals(1, v.findValue("databasesChecked").asInt(), "verify restored the dump into a scratch database and checked it: " + v);
        assertNoPassword(backupReport, restoreReport, verifyReport);
    }

    @Test
    void aPlanWithSeveralTargetsGivesEachItsOwnBackupAndOneFailingDoesNotStopTheOthers(@InjectMojo(goal = "backup") BackupMojo mojo)
            throws Exception {
        Path data = instance("mojo_plan");
        // The env file as Compose reads it: its DATABASE_URL carries the password (no settings.xml server this time).
        Path env = Files.writeString(tmp.resolve(".env"), "DATABASE_URL=" + server.appUrlText("mojo_plan") + "\n");
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "a file where a target folder should be");
        TargetConfig a = MojoConfigs.target("a", tmp.resolve("a").toString());
        TargetConfig broken = MojoConfigs.target("broken", blocker.resolve("sub").toString());
        TargetConfig c = MojoConfigs.target("c", tmp.resolve("c").toString());
        PlanConfig plan = MojoConfigs.plan("daily", "a", "broken", "c");
        plan.keepLast = 1;
        Path report = common(mojo, null);
        setVariableValueToObject(mojo, "dataDir", data.toFile());
        setVariableValueToObject(mojo, "envFile", env.toFile());
        setVariableValueToObject(mojo, "targets", List.of(a, broken, c));
        setVariableValueToObject(mojo, "plans", List.of(plan));
        setVariableValueToObject(mojo, "plan", "daily");

        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("1 of 3 target(s)") && e.getMessage().contains("broken"), e.getMessage());
        JsonNode targets = ReportSchema.validate(report).get("backup").get("targets");
        assertEquals(List.of("success", "failure", "success"), List.of(targets.get(0).get("result").asText(),
                targets.get(1).get("result").asText(), targets.get(2).get("result").asText()), targets.toString());
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("a/test")));
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("c/test")));
        assertNoPassword(report);

        // Again without the broken target: nothing changed, so the dump's entry and object are reused at each target.
        Thread.sleep(1100);
        plan.targets = List.of("a", "c");
        Path again = tmp.resolve("reports/again.json");
        setVariableValueToObject(mojo, "report", again.toString());
        mojo.execute();
        JsonNode b = ReportSchema.validate(again).get("backup");
        for (JsonNode t : b.get("targets")) {
            assertEquals("success", t.get("result").asText(), t.toString());
            assertEquals(1, t.get("pruned").size(), "the plan's retention (keepLast 1) ran at each target: " + t);
        }
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("a/test")));
        assertNoPassword(again);
    }

    @Test
    void coldAndFormat2AreRefusedBeforeAnyWork(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path data = instance("mojo_refused");
        Path target = tmp.resolve("refused");
        backup(mojo, data, target.toString(), "mojo_refused");
        setVariableValueToObject(mojo, "mode", "cold");
        setVariableValueToObject(mojo, "stopCommand", "touch " + tmp.resolve("stopped"));
        MojoFailureException cold = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(cold.getMessage().startsWith("PostgreSQL instances are backed up in format 3 in hot mode; this backup is cold"), cold.getMessage());
        assertFalse(Files.exists(tmp.resolve("stopped")), "Open WebUI was not stopped");

        setVariableValueToObject(mojo, "mode", null);
        setVariableValueToObject(mojo, "format", "2");
        MojoFailureException tree = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(tree.getMessage().contains("this backup would write format 2"), tree.getMessage());
        assertFalse(Files.exists(target), "nothing was written at the target");
        assertNoPassword();
    }

    @Test
    void badDatabaseParametersFailNamingThem(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path data = instance("mojo_bad");
        Path target = tmp.resolve("bad");
        backup(mojo, data, target.toString(), "mojo_bad");
        setVariableValueToObject(mojo, "envFile", Files.writeString(tmp.resolve("x.env"), "DATABASE_URL=" + server.appUrlText()).toFile());
        MojoFailureException both = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(both.getMessage().startsWith("owui.databaseUrl and owui.envFile are both given"), both.getMessage());

        setVariableValueToObject(mojo, "envFile", null);
        setVariableValueToObject(mojo, "databaseUrl", server.appUrlText("mojo_bad"));
        MojoFailureException withPassword = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(withPassword.getMessage().startsWith("owui.databaseUrl holds a password"), withPassword.getMessage());

        setVariableValueToObject(mojo, "databaseUrl", url("mojo_bad"));
        setVariableValueToObject(mojo, "databaseServerId", "nope");
        MojoFailureException noServer = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(noServer.getMessage().contains("'nope'") && noServer.getMessage().contains("owui.databaseServerId"), noServer.getMessage());
        assertFalse(Files.exists(target), "nothing was written at the target");
        assertNoPassword();
    }

    /** The backup head {@code id} at the instance folder {@code instanceDir}, as JSON. */
    static JsonNode head(Path instanceDir, String id) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(instanceDir.resolve("backups/" + id + ".json").toFile());
    }

    @Test
    void pgJobsDumpsInTheDirectoryFormatAndRestores(@InjectMojo(goal = "backup") BackupMojo backup, @InjectMojo(goal = "restore") RestoreMojo restore)
            throws Exception {
        Path data = instance("mojo_jobs");
        String target = tmp.resolve("jobs").toString();
        Path report = backup(backup, data, target, "mojo_jobs");
        setVariableValueToObject(backup, "pgJobs", 2);
        backup.execute();
        String id = ReportSchema.validate(report).get("backup").get("backupId").asText();
        JsonNode dump = head(tmp.resolve("jobs/test"), id).get("postgres").get(0);
        assertEquals("directory", dump.get("format").asText(), "owui.pgJobs=2 dumps in pg_dump's directory format: " + dump);

        common(restore, target);
        setVariableValueToObject(restore, "dataDir", tmp.resolve("restored-jobs").toFile());
        setVariableValueToObject(restore, "databaseUrl", url("mojo_jobs_restored"));
        setVariableValueToObject(restore, "databaseServerId", SERVER_ID);
        restore.execute();
        assertEquals(counts("mojo_jobs"), counts("mojo_jobs_restored"), "the directory-format dump restores with every row");
        assertNoPassword(report);
    }

    @Test
    void pgJobsOnRestoreRunsPgRestoreWithThatManyJobsForBothFormats(@InjectMojo(goal = "backup") BackupMojo directory,
            @InjectMojo(goal = "backup") BackupMojo custom, @InjectMojo(goal = "restore") RestoreMojo restore) throws Exception {
        // owui.pgJobs=2 on the backup: the directory format; =1: the custom format, one file (pg_restore --jobs reads both from a file on disk)
        for (int dumpJobs : new int[] {2, 1}) {
            String db = "mojo_rjobs" + dumpJobs;
            Path data = instance(db);
            String target = tmp.resolve("rjobs" + dumpJobs).toString();
            BackupMojo backup = dumpJobs == 2 ? directory : custom;
            Path report = backup(backup, data, target, db);
            setVariableValueToObject(backup, "pgJobs", dumpJobs);
            backup.execute();
            String id = ReportSchema.validate(report).get("backup").get("backupId").asText();
            assertEquals(dumpJobs == 2 ? "directory" : "custom", head(tmp.resolve("rjobs" + dumpJobs + "/test"), id).get("postgres").get(0).get("format").asText());

            log.lines.clear();
            common(restore, target);
            setVariableValueToObject(restore, "dataDir", tmp.resolve("restored-rjobs" + dumpJobs).toFile());
            setVariableValueToObject(restore, "databaseUrl", url(db + "_restored"));
            setVariableValueToObject(restore, "databaseServerId", SERVER_ID);
            setVariableValueToObject(restore, "pgJobs", 2);
            restore.execute();
            assertEquals(counts(db), counts(db + "_restored"), "the dump restores with every row");
            assertTrue(log.all().contains("with pg_restore --jobs=2"), "the restore says pg_restore ran with 2 jobs:\n" + log.all());
            assertNoPassword(report);
        }
    }

    @Test
    void pgJobsOutOfRangeOrWithoutADatabaseIsRefusedBeforeAnyWork(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path data = instance("mojo_jobs_bad");
        Path target = tmp.resolve("jobs-bad");
        backup(mojo, data, target.toString(), "mojo_jobs_bad");
        for (int jobs : new int[] {0, 65}) {
            setVariableValueToObject(mojo, "pgJobs", jobs);
            MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
            assertTrue(e.getMessage().startsWith("owui.pgJobs=" + jobs + " is out of range (1 to 64)"), e.getMessage());
        }
        setVariableValueToObject(mojo, "pgJobs", 2);
        setVariableValueToObject(mojo, "databaseUrl", null);
        setVariableValueToObject(mojo, "databaseServerId", null);
        MojoFailureException alone = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(alone.getMessage().startsWith("owui.pgJobs is given without a database"), alone.getMessage());
        assertFalse(Files.exists(target), "nothing was written at the target");
    }
}
