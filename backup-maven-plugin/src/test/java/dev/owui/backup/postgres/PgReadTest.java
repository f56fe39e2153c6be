package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.chats.ChatExportOptions;
import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.chats.ChatExporter;
import dev.owui.backup.chats.ChatSelection;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.diff.BackupDiff;
import dev.owui.backup.diff.DiffResult;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * export-chats and diff on format 3 backups of an instance whose database is in PostgreSQL,
 * against a real server: the dump is read through a scratch database that is gone afterwards.
 */
class PgReadTest {
    static PostgresServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path data;
    LocalObjectStore store;
    Repository repo;
    final TestSupport.RecordingLog log = new TestSupport.RecordingLog();

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

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private PgOpenWebUi.Summary instance(String db, int chats) throws Exception {
        PgOpenWebUi.Summary sum = PgOpenWebUi.createDatabase(server, db, chats);
        data = PgOpenWebUi.writeUploads(sum, tmp.resolve("data"));
        store = new LocalObjectStore(tmp.resolve("target"));
        repo = Repository.open(store, "open-webui", tmp.resolve("scratch"), log);
        return sum;
    }

    private RepoBackupRunner.Result backup(String db) {
        return new RepoBackupRunner(log).run(repo, new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false,
                tmp.resolve("staging")).withPostgres(PgSource.of(server.appUrl(db))));
    }

    private ChatExportOptions export(ChatSelection sel, Path out) {
        LocalTarget t = TestSupport.target(tmp.resolve("target"));
        return new ChatExportOptions(t, "open-webui", null, sel, out, false, DecryptionKeys.none());
    }

    private static ChatSelection titled(String title) {
        return ChatSelection.of(null, title, null, null, null, ZoneOffset.UTC);
    }

    /** The server's databases whose name starts with {@code prefix}. */
    private static List<String> databases(String prefix) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database ORDER BY 1")) {
            while (r.next()) {
                if (r.getString(1).startsWith(prefix)) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    /** id → {title, chat (JSON text), user_id, pinned} of the source database's chats. */
    private static Map<String, List<Object>> chats(String db) throws SQLException {
        Map<String, List<Object>> out = new HashMap<>();
        try (Connection c = server.connect(db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, title, chat::text, user_id, pinned FROM chat")) {
            while (r.next()) {
                out.put(r.getString(1), List.of(r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5)));
            }
        }
        return out;
    }

    @Test
    void exportChatsOfAPostgresBackupGivesTheDatabasesChatsAndDropsItsScratchDatabase() throws Exception {
        PgOpenWebUi.Summary sum = instance("exp", 6);
        backup("exp");
        Map<String, List<Object>> source = chats("exp");
        try (Connection c = server.connect("exp"); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM chat"); // the operator lost them: the backup still has them
        }
        Path out = tmp.resolve("chats.json");
        ChatExportResult r = new ChatExporter(log).run(export(ChatSelection.of(sum.chatIds(), null, null, null, null, ZoneOffset.UTC), out)
                .withPostgres(PgTarget.into(server.appUrl("postgres"))), repo, null);
        assertEquals(6, r.chatsInBackup());
        assertEquals(sum.chatIds().stream().sorted().toList(), r.chatIds().stream().sorted().toList());
        JsonNode exported = JSON.readTree(out.toFile());
        assertEquals(6, exported.size());
        for (JsonNode chat : exported) {
            List<Object> row = source.get(chat.get("id").asText());
            assertEquals(row.get(0), chat.get("title").asText());
            assertTrue(chat.get("chat").isObject(), "chat is JSON, not a string: " + chat.get("chat"));
            assertEquals(JSON.readTree((String) row.get(1)), chat.get("chat"), "the messages as stored");
            assertEquals(4, chat.get("chat").get("messages").size());
            assertEquals(row.get(2), chat.get("user_id").asText());
            assertEquals(row.get(3), chat.get("pinned").asBoolean());
            assertTrue(chat.get("archived").isBoolean(), chat.toString());
            assertTrue(chat.get("meta").isObject(), chat.toString());
        }
        assertEquals(List.of(), databases("owui_scratch_"), "the scratch database is dropped");
        assertTrue(log.saidAnywhere("scratch database owui_scratch_"), log.infos.toString());

        // "user" is a table, not CURRENT_USER: the chats of one user by e-mail
        Path mine = tmp.resolve("mine.json");
        ChatExportResult byUser = new ChatExporter(log).run(export(ChatSelection.of(null, null, "user2@example.org", null, null, ZoneOffset.UTC),
                mine).withPostgres(PgTarget.into(server.appUrl("postgres"))), repo, null);
        assertEquals(2, byUser.chatIds().size(), byUser.chatIds().toString());
        assertTrue(byUser.chatIds().stream().allMatch(id -> source.get(id).get(2).equals(sum.userIds().get(1))));
    }

    @Test
    void aFailedReadStillDropsTheScratchDatabaseAndLeavesTheOthers() throws Exception {
        instance("fail", 3);
        backup("fail");
        List<String> before = databases("");
        OwuiException e = assertThrows(OwuiException.class, () -> new ChatExporter(log).run(export(titled("no such title"),
                tmp.resolve("none.json")).withPostgres(PgTarget.into(server.appUrl("postgres"))), repo, null));
        assertTrue(e.getMessage().contains("no chat in backup"), e.getMessage());
        assertTrue(e.getMessage().contains("it has 3 chats"), e.getMessage());
        assertEquals(List.of(), databases("owui_scratch_"), "the scratch database is dropped after a failed read");
        assertEquals(before, databases(""), "no other database touched");
        assertFalse(Files.exists(tmp.resolve("none.json")));
        try (var s = Files.list(tmp.resolve("scratch"))) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("owui-read-pg-")).toList(), "the decoded dump is deleted");
        }
    }

    @Test
    void withoutAServerTheExportNamesTheParameters() throws Exception {
        instance("nosrv", 2);
        backup("nosrv");
        OwuiException e = assertThrows(OwuiException.class,
                () -> new ChatExporter(log).run(export(titled("Chat"), tmp.resolve("x.json")), repo, null));
        assertTrue(e.getMessage().contains("holds a PostgreSQL dump"), e.getMessage());
        assertTrue(e.getMessage().contains("export-chats reads it through a scratch database"), e.getMessage());
        for (String p : List.of("owui.databaseUrl", "owui.databaseServerId", "owui.envFile", "owui.pgBin")) {
            assertTrue(e.remedy().contains(p), e.remedy());
        }
        assertEquals(List.of(), databases("owui_scratch_"));
    }

    /** diff reads the heads only: no server is needed, the recorded counts show the chat added, and the dump changed. */
    @Test
    void diffOfTwoPostgresBackupsShowsTheAddedChat() throws Exception {
        instance("dif", 4);
        String before = backup("dif").backupId();
        try (Connection c = server.connect("dif"); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO chat (id, user_id, title, chat, created_at, updated_at, archived, meta)"
                    + " SELECT 'added-chat', user_id, 'The added chat', '{}'::json, 1, 1, false, '{}'::json FROM chat LIMIT 1");
        }
        String after = backup("dif").backupId();
        DiffResult d = new BackupDiff(log, DecryptionKeys.none(), 50).run(TestSupport.target(tmp.resolve("target")), repo, "open-webui",
                before + "," + after);
        DiffResult.TableCount chats = d.tables().stream().filter(t -> t.name().equals("chats")).findFirst().orElseThrow();
        assertEquals(4L, chats.before());
        assertEquals(5L, chats.after());
        assertEquals(List.of(Entry.PG_DUMPS + "openwebui.dump"), d.changed().stream().map(DiffResult.FileChange::path).toList());
        assertEquals(PgOpenWebUi.REVISION, d.schemaAfter());
    }
}
