package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:export-chats and owui:diff as Maven runs them on format 3 backups of an instance on
 * PostgreSQL: export-chats with the server named by owui.databaseUrl with owui.databaseServerId's
 * password, or by owui.envFile, and the error naming them when neither is given; diff from the
 * heads alone, without a server.
 */
@MojoTest
class PgReadMojoTest {
    private static final String DB_SERVER = "owui-test-postgres";
    static PostgresServer server;

    @TempDir
    Path tmp;

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

    /** A PostgreSQL instance with 4 chats backed up to {@code nas}; returns its chat ids. */
    private List<String> backedUp(String db, Path nas) throws Exception {
        PgOpenWebUi.Summary sum = PgOpenWebUi.createDatabase(server, db, 7, 2, 4, 2, 1);
        PgOpenWebUi.writeUploads(sum, tmp.resolve("data"));
        backup(db, nas);
        return sum.chatIds();
    }

    private String backup(String db, Path nas) {
        try (ObjectStore store = new LocalObjectStore(nas)) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            return new RepoBackupRunner(EngineLog.SILENT).run(repo, new RepoBackupRunner.Options(tmp.resolve("data"), "test",
                    CodecSettings.zstd(3), false, tmp.resolve("staging")).withPostgres(PgSource.of(server.appUrl(db)))).backupId();
        }
    }

    private Path prepare(ExportChatsMojo mojo, Path nas, String chat, Path out) throws Exception {
        setVariableValueToObject(mojo, "target", nas.toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "chats", List.of(chat));
        setVariableValueToObject(mojo, "output", out.toString());
        Path report = tmp.resolve("export.json");
        setVariableValueToObject(mojo, "report", report.toString());
        return report;
    }

    private static List<String> scratchDatabases() throws Exception {
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'owui\\_scratch\\_%'")) {
            return r.next() ? List.of(r.getString(1)) : List.of();
        }
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void theServerFromDatabaseUrlWithASettingsPassword(ExportChatsMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        String chat = backedUp("mojo_url", nas).get(2);
        Path out = tmp.resolve("chat.json");
        Path report = prepare(mojo, nas, chat, out);
        setVariableValueToObject(mojo, "databaseUrl", "postgresql://" + PostgresServer.APP_ROLE + "@127.0.0.1:" + server.port() + "/postgres");
        setVariableValueToObject(mojo, "databaseServerId", DB_SERVER);
        Server s = new Server();
        s.setId(DB_SERVER);
        s.setPassword(server.appPassword());
        Settings settings = new Settings();
        settings.addServer(s);
        setVariableValueToObject(mojo, "settings", settings);
        mojo.execute();

        JsonNode r = ReportSchema.validate(report).get("exportChats");
        assertEquals(chat, r.get("chatIds").get(0).asText());
        JsonNode chats = JsonMapper.builder().build().readTree(out.toFile());
        assertEquals(1, chats.size());
        assertEquals(chat, chats.get(0).get("id").asText());
        assertEquals(2, chats.get(0).get("chat").get("messages").size());
        assertFalse(Files.readString(report).contains(server.appPassword()), "no password in the report");
        assertEquals(List.of(), scratchDatabases());
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void theServerFromTheComposeEnvFile(ExportChatsMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        String chat = backedUp("mojo_env", nas).get(0);
        Path env = tmp.resolve(".env");
        Files.writeString(env, "# compose\nDATABASE_URL=\"" + server.appUrlText("mojo_env") + "\"\n");
        Path out = tmp.resolve("chat.json");
        prepare(mojo, nas, chat, out);
        setVariableValueToObject(mojo, "envFile", env.toFile());
        mojo.execute();
        assertEquals(chat, JsonMapper.builder().build().readTree(out.toFile()).get(0).get("id").asText());
        assertEquals(List.of(), scratchDatabases());
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void withoutAServerTheGoalFailsNamingTheParameters(ExportChatsMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        String chat = backedUp("mojo_none", nas).get(0);
        Path out = tmp.resolve("chat.json");
        prepare(mojo, nas, chat, out);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        String text = e.getMessage() + " " + e.getLongMessage();
        assertTrue(text.contains("holds a PostgreSQL dump"), text);
        assertTrue(text.contains("owui.databaseUrl") && text.contains("owui.databaseServerId") && text.contains("owui.envFile"), text);
        assertFalse(Files.exists(out));

        setVariableValueToObject(mojo, "databaseServerId", DB_SERVER);
        text = assertThrows(MojoFailureException.class, mojo::execute).getMessage();
        assertTrue(text.contains("owui.databaseServerId is given without a database"), text);
        setVariableValueToObject(mojo, "databaseServerId", null);
        setVariableValueToObject(mojo, "envFile", new File(tmp.resolve("missing.env").toString()));
        text = assertThrows(MojoFailureException.class, mojo::execute).getMessage();
        assertTrue(text.contains("missing.env"), text);
    }

    @Test
    @InjectMojo(goal = "diff")
    void diffOfTwoPostgresBackupsNeedsNoServer(DiffMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        backedUp("mojo_diff", nas);
        Thread.sleep(1100); // backup ids are seconds
        try (Connection c = server.connect("mojo_diff"); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM chat WHERE id = (SELECT min(id) FROM chat)");
        }
        backup("mojo_diff", nas);
        setVariableValueToObject(mojo, "target", nas.toString());
        setVariableValueToObject(mojo, "instance", "test");
        Path report = tmp.resolve("diff.json");
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();

        JsonNode d = ReportSchema.validate(report).get("diff").get("targets").get(0).get("diff");
        assertEquals("_outside-data-dir/postgres/openwebui.dump", d.get("changed").get(0).get("path").asText(), d.toString());
        JsonNode chats = null;
        for (JsonNode t : d.get("tables")) {
            chats = t.get("name").asText().equals("chats") ? t : chats;
        }
        assertEquals(4, chats.get("before").asLong(), d.get("tables").toString());
        assertEquals(3, chats.get("after").asLong());
        assertEquals(List.of(), scratchDatabases());
    }
}
