package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:diff and owui:export-chats as Maven runs them on format 3 backups written by the
 * repository engine (RepoBackupRunner): a diff between two format 3 backups and between a
 * format 2 and a format 3 backup of the same data, and a deleted chat exported from a format 3
 * backup, plain and zstd+pgp.
 */
@MojoTest
class Format3DiffExportMojoTest {
    private static final String PASS = "format 3 read passphrase";
    private static final String PASS_SERVER = "owui-test-passphrase";

    @TempDir
    Path tmp;

    private Fixture f;
    private Path nas;

    @BeforeEach
    void instance() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).seed(3).build();
        nas = tmp.resolve("nas");
    }

    private String backup3(Path at, CodecSettings codec, DecryptionKeys keys) throws Exception {
        Thread.sleep(1100); // backup ids are seconds: one per second keeps "newest" plain
        try (ObjectStore store = new LocalObjectStore(at)) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            return new RepoBackupRunner(EngineLog.SILENT).run(repo, new RepoBackupRunner.Options(f.dataDir(), "test", null, null, codec, keys,
                    false, tmp.resolve("staging"), null, RepoBackupRunner.DEFAULT_THREADS)).backupId();
        }
    }

    private String backup3() throws Exception {
        return backup3(nas, CodecSettings.zstd(3), null);
    }

    private Path report(AbstractOwuiMojo mojo, String name) throws Exception {
        Path file = tmp.resolve("reports").resolve(name);
        setVariableValueToObject(mojo, "report", file.toString());
        setVariableValueToObject(mojo, "instance", "test");
        return file;
    }

    private JsonNode diff(DiffMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "target", nas.toString());
        Path file = report(mojo, "diff.json");
        mojo.execute();
        return ReportSchema.validate(file).get("diff").get("targets").get(0).get("diff");
    }

    private List<String> chatIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.webuiDb());
             ResultSet r = c.createStatement().executeQuery("SELECT id FROM chat ORDER BY id")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private void deleteChat(String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.webuiDb());
             PreparedStatement ps = c.prepareStatement("DELETE FROM chat WHERE id = ?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private static List<String> paths(JsonNode changes) {
        List<String> out = new ArrayList<>();
        changes.forEach(c -> out.add(c.get("path").asText()));
        return out;
    }

    private static JsonNode table(JsonNode diff, String name) {
        for (JsonNode t : diff.get("tables")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError(name + " not in " + diff.get("tables"));
    }

    @Test
    @InjectMojo(goal = "diff")
    void twoFormat3BackupsShowTheAddedUploadTheChangedDatabaseAndTheCounts(DiffMojo mojo) throws Exception {
        String first = backup3();
        int chats = chatIds().size();
        deleteChat(chatIds().get(0));
        Files.writeString(f.dataDir().resolve("uploads/zz-added_notes.txt"), "a new upload");
        String second = backup3();

        JsonNode d = diff(mojo);
        assertEquals(first, d.get("oldId").asText());
        assertEquals(second, d.get("newId").asText());
        assertEquals(List.of("uploads/zz-added_notes.txt"), paths(d.get("added")), d.toString());
        assertEquals(12, d.get("added").get(0).get("sizeAfter").asLong());
        assertEquals(List.of("webui.db"), paths(d.get("changed")), d.toString());
        assertEquals("content", d.get("changed").get(0).get("what").asText());
        assertEquals(0, d.get("files").get("removed").asLong());
        JsonNode t = table(d, "chats");
        assertEquals(chats, t.get("before").asLong());
        assertEquals(chats - 1, t.get("after").asLong());
        assertTrue(d.get("files").get("unchanged").asLong() > 5, d.get("files").toString());
        assertEquals(0, d.get("folders").get("added").asLong(), "folders compared: " + d.get("folders"));
    }

    @Test
    @InjectMojo(goal = "diff")
    void aFormat2AndAFormat3BackupOfTheSameDataDifferInNoFile(DiffMojo mojo) throws Exception {
        // names that order differently by plain string and by path component (a.txt < a/b, but a/b first in PathOrder)
        Files.createDirectories(f.dataDir().resolve("uploads/a"));
        Files.writeString(f.dataDir().resolve("uploads/a/b"), "below a");
        Files.writeString(f.dataDir().resolve("uploads/a.txt"), "beside a");
        Files.writeString(f.dataDir().resolve("uploads/a-z"), "beside a too");
        TestSupport.backup(f.dataDir(), TestSupport.target(nas));
        String id2 = TestSupport.target(nas).backups("test").get(0);
        String id3 = backup3();

        JsonNode d = diff(mojo);
        assertEquals(id2, d.get("oldId").asText());
        assertEquals(id3, d.get("newId").asText());
        JsonNode files = d.get("files");
        assertEquals(0, files.get("added").asLong() + files.get("removed").asLong() + files.get("changed").asLong()
                + files.get("modeChanged").asLong() + files.get("touched").asLong(), d.toString());
        assertTrue(files.get("unchanged").asLong() > 5, files.toString());
        assertEquals(files.get("bytesBefore").asLong(), files.get("bytesAfter").asLong());
        JsonNode t = table(d, "chats");
        assertEquals(t.get("before").asLong(), t.get("after").asLong());

        // and the way back: format 3 first
        setVariableValueToObject(mojo, "backupIds", id3 + "," + id2);
        d = diff(mojo);
        assertEquals(0, d.get("files").get("changed").asLong() + d.get("files").get("added").asLong(), d.toString());
    }

    private static void passphrase(AbstractOwuiMojo mojo) throws Exception {
        Server s = new Server();
        s.setId(PASS_SERVER);
        s.setPassword(PASS);
        Settings settings = new Settings();
        settings.addServer(s);
        setVariableValueToObject(mojo, "settings", settings);
        setVariableValueToObject(mojo, "encryptionServerId", PASS_SERVER);
    }

    private JsonNode export(ExportChatsMojo mojo, Path target, String chat, Path out) throws Exception {
        setVariableValueToObject(mojo, "target", target.toString());
        setVariableValueToObject(mojo, "chats", List.of(chat));
        setVariableValueToObject(mojo, "output", out.toString());
        Path file = report(mojo, "export.json");
        mojo.execute();
        return ReportSchema.validate(file).get("exportChats");
    }

    private static Set<String> exported(Path out) throws Exception {
        Set<String> ids = new TreeSet<>();
        JsonMapper.builder().build().readTree(out.toFile()).forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    private static Set<String> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p) + (Files.isRegularFile(p) ? ":" + p.toFile().length() : ""))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void aChatDeletedAfterTheBackupComesBackFromAFormat3Backup(ExportChatsMojo mojo) throws Exception {
        TestSupport.backup(f.dataDir(), TestSupport.target(nas)); // an older format 2 backup beside
        String id = backup3();
        String chat = chatIds().get(1);
        deleteChat(chat);
        Set<String> before = tree(nas);

        Path out = tmp.resolve("chat.json");
        JsonNode r = export(mojo, nas, chat, out);
        assertEquals(id, r.get("backupId").asText(), "the newest of both formats");
        assertEquals(List.of(chat), List.of(r.get("chatIds").get(0).asText()));
        assertEquals(Set.of(chat), exported(out));
        assertEquals(before, tree(nas), "the backup is only read");
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void anOutputThatCannotBeWrittenFailsNamingTheFormat3Backup(ExportChatsMojo mojo) throws Exception {
        String id = backup3();
        Path notAFolder = Files.writeString(tmp.resolve("not-a-folder"), "a file");
        MojoFailureException e = assertThrows(MojoFailureException.class,
                () -> export(mojo, nas, chatIds().get(0), notAFolder.resolve("chat.json")));
        assertTrue(e.getMessage().startsWith("cannot export chats of backup " + id + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("owui.output's folder"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void fromAZstdPgpFormat3BackupWithTheKeyOnly(ExportChatsMojo mojo) throws Exception {
        Path enc = tmp.resolve("encrypted");
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of()));
        String id = backup3(enc, codec, DecryptionKeys.of(PASS.toCharArray(), null));
        String chat = chatIds().get(2);
        deleteChat(chat);
        Set<String> before = tree(enc);

        Path out = tmp.resolve("enc.json");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> export(mojo, enc, chat, out));
        assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());
        assertTrue(Files.notExists(out));

        passphrase(mojo);
        setVariableValueToObject(mojo, "backupId", id);
        JsonNode r = export(mojo, enc, chat, out);
        assertEquals(id, r.get("backupId").asText());
        assertEquals(Set.of(chat), exported(out));
        assertEquals(before, tree(enc), "the backup is only read");
    }
}
