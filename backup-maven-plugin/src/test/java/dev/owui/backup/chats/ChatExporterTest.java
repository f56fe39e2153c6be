package dev.owui.backup.chats;

import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** owui:export-chats against a backup of a generated instance, checked against Open WebUI's export format. */
class ChatExporterTest {
    /**
     * The fields of Open WebUI's ChatResponse (backend/open_webui/models/chats.py), what its
     * "Export Chats" writes and its "Import Chats" reads back ({@code chat}, {@code meta},
     * {@code folder_id}, {@code created_at}, {@code updated_at}); the fixture's v0.11 schema has
     * none of the newer columns (variables, tasks, summary, current_message_id).
     */
    private static final Set<String> OPEN_WEBUI_FIELDS = Set.of("id", "user_id", "title", "chat", "updated_at", "created_at",
            "share_id", "archived", "pinned", "meta", "folder_id");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASS = "chat export passphrase";

    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget target;
    Manifest backup;
    /** The backup's chats as rows: id → {title, user_id, updated_at, chat, …}. */
    Map<String, Map<String, Object>> rows;

    @BeforeEach
    void backUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).users(4).chatsPerUser(5).build();
        target = TestSupport.target(tmp.resolve("backups"));
        backup = TestSupport.backup(f.dataDir(), target).manifest();
        rows = chats(f.webuiDb());
        assertEquals(20, rows.size());
    }

    private static Map<String, Map<String, Object>> chats(Path db) throws SQLException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT c.*, u.email AS email, u.name AS name FROM chat c JOIN user u ON u.id = c.user_id")) {
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
                }
                out.put(r.getString("id"), row);
            }
        }
        return out;
    }

    private ChatExportResult export(ChatSelection sel, Path out, boolean force) {
        return export(target, null, sel, out, force, null);
    }

    private ChatExportResult export(LocalTarget t, String backupId, ChatSelection sel, Path out, boolean force, DecryptionKeys keys) {
        return new ChatExporter(new RecordingLog()).run(new ChatExportOptions(t, "test", backupId, sel, out, force, keys), null);
    }

    private static ChatSelection ids(String... ids) {
        return new ChatSelection(List.of(ids), null, null, null, null);
    }

    /** The exported array, each item checked against Open WebUI's field names and the stored row; returns the ids. */
    private Set<String> read(Path file) throws Exception {
        JsonNode array = JSON.readTree(file.toFile());
        assertTrue(array.isArray(), "Import Chats reads a JSON array");
        Set<String> ids = new TreeSet<>();
        for (JsonNode item : array) {
            Set<String> names = new TreeSet<>();
            item.fieldNames().forEachRemaining(names::add);
            assertEquals(new TreeSet<>(OPEN_WEBUI_FIELDS), names, "exactly ChatResponse's field names");
            Map<String, Object> row = rows.get(item.get("id").asText());
            assertEquals(JSON.readTree((String) row.get("chat")), item.get("chat"), "chat is the stored JSON, as JSON");
            assertTrue(item.get("chat").get("history").get("messages").size() > 0, "the import rebuilds the chat from chat.history");
            assertEquals(row.get("title"), item.get("title").asText());
            assertEquals(row.get("user_id"), item.get("user_id").asText());
            assertEquals(((Number) row.get("created_at")).longValue(), item.get("created_at").asLong());
            assertEquals(((Number) row.get("updated_at")).longValue(), item.get("updated_at").asLong());
            assertTrue(item.get("created_at").isIntegralNumber() && item.get("archived").isBoolean() && item.get("pinned").isBoolean());
            assertEquals(((Number) row.get("pinned")).intValue() != 0, item.get("pinned").asBoolean());
            assertEquals(JSON.readTree((String) row.get("meta")), item.get("meta"));
            assertTrue(item.get("meta").isObject() && item.get("share_id").isNull());
            ids.add(item.get("id").asText());
        }
        return ids;
    }

    @Test
    void aChatDeletedFromTheLiveDatabaseComesBackFromTheBackupById() throws Exception {
        String id = rows.keySet().iterator().next();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.webuiDb());
             PreparedStatement ps = c.prepareStatement("DELETE FROM chat WHERE id = ?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate(), "deleted yesterday");
        }
        Path stored = target.localFile("test", backup.backupId(), "webui.db");
        String storedSha = sha256(stored);

        Path out = tmp.resolve("export/chat.json");
        ChatExportResult r = export(ids(id), out, false);
        assertEquals(backup.backupId(), r.backupId());
        assertEquals(List.of(id), r.chatIds());
        assertEquals(20, r.chatsInBackup());
        assertEquals(Set.of(id), read(out));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)), "chats are private");

        assertEquals(storedSha, sha256(stored), "the stored database is only read");
        try (Stream<Path> s = Files.list(stored.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("webui.db-")), "no -wal/-shm beside the stored database");
        }
    }

    @Test
    void byTitleAnyCaseByUserAsIdEmailOrNameAndByTimeRange() throws Exception {
        // Title: a case-insensitive substring.
        String someTitle = (String) rows.values().iterator().next().get("title");
        String part = someTitle.substring(0, Math.min(6, someTitle.length())).toUpperCase(java.util.Locale.ROOT);
        Set<String> byTitle = new TreeSet<>();
        rows.forEach((id, row) -> {
            if (((String) row.get("title")).toLowerCase(java.util.Locale.ROOT).contains(part.toLowerCase(java.util.Locale.ROOT))) {
                byTitle.add(id);
            }
        });
        assertEquals(byTitle, read(exported(new ChatSelection(null, part, null, null, null))));

        // User: the same chats whether named by id, e-mail (any case) or name.
        Map<String, Object> first = rows.values().iterator().next();
        Set<String> ofUser = new TreeSet<>();
        rows.forEach((id, row) -> {
            if (row.get("user_id").equals(first.get("user_id"))) {
                ofUser.add(id);
            }
        });
        assertEquals(5, ofUser.size());
        for (Object who : List.of(first.get("user_id"), ((String) first.get("email")).toUpperCase(java.util.Locale.ROOT), first.get("name"))) {
            assertEquals(ofUser, read(exported(new ChatSelection(null, null, (String) who, null, null))), "user named as " + who);
        }

        // Time range on updated_at: [since, until), narrowing the user's chats.
        List<Long> times = new ArrayList<>();
        for (String id : ofUser) {
            times.add(((Number) rows.get(id).get("updated_at")).longValue());
        }
        times.sort(null);
        long since = times.get(1);
        long until = times.get(times.size() - 1);
        Set<String> inRange = new TreeSet<>();
        for (String id : ofUser) {
            long t = ((Number) rows.get(id).get("updated_at")).longValue();
            if (t >= since && t < until) {
                inRange.add(id);
            }
        }
        assertFalse(inRange.isEmpty());
        ChatSelection range = ChatSelection.of(null, null, (String) first.get("email"), Instant.ofEpochSecond(since).toString(),
                Instant.ofEpochSecond(until).atOffset(ZoneOffset.ofHours(2)).toLocalDateTime().toString() + "+02:00", ZoneOffset.UTC);
        assertEquals(inRange, read(exported(range)));

        // A date is the whole day: since its start, until its end.
        String day = Instant.ofEpochSecond(since).atOffset(ZoneOffset.UTC).toLocalDate().toString();
        Set<String> thatDay = new TreeSet<>();
        rows.forEach((id, row) -> {
            if (Instant.ofEpochSecond(((Number) row.get("updated_at")).longValue()).atOffset(ZoneOffset.UTC).toLocalDate().toString().equals(day)) {
                thatDay.add(id);
            }
        });
        assertEquals(thatDay, read(exported(ChatSelection.of(null, null, null, day, day, ZoneOffset.UTC))));
    }

    private int n;

    private Path exported(ChatSelection sel) {
        Path out = tmp.resolve("out-" + (n++) + ".json");
        export(sel, out, false);
        return out;
    }

    @Test
    void toAStreamWhenNoFileIsGiven() throws Exception {
        String id = rows.keySet().iterator().next();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        new ChatExporter(new RecordingLog()).run(new ChatExportOptions(target, "test", null, ids(id), null, false, null), stdout);
        Path copy = tmp.resolve("stdout.json");
        Files.write(copy, stdout.toByteArray());
        assertEquals(Set.of(id), read(copy));
    }

    @Test
    void fromAnEncryptedAndCompressedBackupWithTheKeyOnly() throws Exception {
        LocalTarget enc = TestSupport.target(tmp.resolve("encrypted"));
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of()));
        Manifest m = new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), enc).withCodec(codec)).manifest();
        FileEntry db = m.files().stream().filter(e -> e.path().equals("webui.db")).findFirst().orElseThrow();
        assertEquals("zstd+pgp", db.storage());
        String id = rows.keySet().stream().skip(7).findFirst().orElseThrow();

        OwuiException noKey = assertThrows(OwuiException.class, () -> export(enc, null, ids(id), tmp.resolve("nokey.json"), false, null));
        assertTrue(noKey.getMessage().contains("is encrypted"), noKey.getMessage());

        Path out = tmp.resolve("enc.json");
        Set<String> before = tree(enc.root());
        export(enc, m.backupId(), ids(id), out, false, DecryptionKeys.of(PASS.toCharArray(), null));
        assertEquals(Set.of(id), read(out));
        assertEquals(before, tree(enc.root()), "nothing written into the backup tree (decoded to a private temporary copy)");
    }

    private static Set<String> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void noMatchSaysSoWithHowManyChatsTheBackupHas() {
        OwuiException e = assertThrows(OwuiException.class,
                () -> export(new ChatSelection(null, "no such title anywhere", null, null, null), tmp.resolve("x.json"), false));
        assertTrue(e.getMessage().contains("no chat in backup " + backup.backupId() + " matches title containing 'no such title anywhere' (it has 20 chats)"),
                e.getMessage());
        OwuiException missing = assertThrows(OwuiException.class,
                () -> export(ids(rows.keySet().iterator().next(), "not-a-chat-id"), tmp.resolve("x.json"), false));
        assertTrue(missing.getMessage().contains("no chat not-a-chat-id in backup") && missing.getMessage().contains("(it has 20 chats)"),
                missing.getMessage());
        OwuiException user = assertThrows(OwuiException.class,
                () -> export(new ChatSelection(null, null, "nobody@example.org", null, null), tmp.resolve("x.json"), false));
        assertTrue(user.getMessage().contains("no user 'nobody@example.org'"), user.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.json")));
        OwuiException none = assertThrows(OwuiException.class, () -> export(new ChatSelection(null, null, null, null, null), tmp.resolve("x.json"), false));
        assertTrue(none.getMessage().contains("no chats chosen"), none.getMessage());
    }

    @Test
    void anUnknownBackupIdNamesTheBackupsThere() {
        OwuiException e = assertThrows(OwuiException.class,
                () -> export(target, "20000101T000000Z", ids(rows.keySet().iterator().next()), tmp.resolve("x.json"), false, null));
        assertTrue(e.getMessage().contains("no backup 20000101T000000Z") && e.remedy().contains(backup.backupId()), e.getMessage());
    }

    @Test
    void anExistingOutputIsKeptUnlessForced() throws Exception {
        Path out = tmp.resolve("exists.json");
        Files.writeString(out, "my notes");
        Iterator<String> it = rows.keySet().iterator();
        String id = it.next();
        OwuiException e = assertThrows(OwuiException.class, () -> export(ids(id), out, false));
        assertTrue(e.getMessage().contains(out + " exists") && e.remedy().contains("owui.force"), e.getMessage());
        assertEquals("my notes", Files.readString(out));
        export(ids(id), out, true);
        assertEquals(Set.of(id), read(out));
    }

    @Test
    void anOutputThatCannotBeWrittenFailsNamingTheBackupAndWhatToCheck() throws Exception {
        Path notAFolder = Files.writeString(tmp.resolve("not-a-folder"), "a file");
        String id = rows.keySet().iterator().next();
        OwuiException e = assertThrows(OwuiException.class, () -> export(ids(id), notAFolder.resolve("chats.json"), false));
        assertTrue(e.getMessage().startsWith("cannot export chats of backup " + backup.backupId() + ": "), e.getMessage());
        assertTrue(e.remedy().contains("owui.output's folder"), e.remedy());
        assertEquals("a file", Files.readString(notAFolder));
    }

    @Test
    void badDatesAreNamed() {
        OwuiException e = assertThrows(OwuiException.class, () -> ChatSelection.of(null, null, null, "yesterday", null, ZoneOffset.UTC));
        assertTrue(e.getMessage().contains("owui.since 'yesterday' is not an ISO date"), e.getMessage());
        OwuiException order = assertThrows(OwuiException.class, () -> ChatSelection.of(null, null, null, "2024-05-02", "2024-05-01", ZoneOffset.UTC));
        assertTrue(order.getMessage().contains("is not before"), order.getMessage());
    }
}
