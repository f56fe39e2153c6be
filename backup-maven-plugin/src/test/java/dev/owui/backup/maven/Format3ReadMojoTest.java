package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.instance.SqliteFiles;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:restore and owui:verify as Maven runs them, on format 3 backups written by the repository
 * engine (RepoBackupRunner) to a local folder and to S3Proxy: found by id or as the newest,
 * restored with every rule of a whole or partial restore, verified with owui.readData.
 */
@MojoTest
class Format3ReadMojoTest {
    @TempDir
    Path tmp;

    private Fixture f;
    private Path nas;

    @BeforeEach
    void instance() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).seed(3).build();
        nas = tmp.resolve("nas");
    }

    private String backup3(ObjectStore store) {
        try (store) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            return new RepoBackupRunner(EngineLog.SILENT).run(repo,
                    new RepoBackupRunner.Options(f.dataDir(), "test", CodecSettings.zstd(3), false, tmp.resolve("staging"))).backupId();
        }
    }

    private String backup3() {
        return backup3(new LocalObjectStore(nas));
    }

    private Path report(AbstractOwuiMojo mojo, String name) throws Exception {
        Path file = tmp.resolve("reports").resolve(name);
        setVariableValueToObject(mojo, "report", file.toString());
        setVariableValueToObject(mojo, "instance", "test");
        return file;
    }

    private Path restoreMojo(RestoreMojo mojo, String target, Path dataDir, boolean force) throws Exception {
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "dataDir", dataDir.toFile());
        setVariableValueToObject(mojo, "force", force);
        return report(mojo, "restore.json");
    }

    /** Every file of the source as restored: the same bytes, and each database equal to a fresh capture of the source. */
    private void assertRestored(Path restored) throws Exception {
        Map<String, Path> source = files(f.dataDir());
        source.keySet().removeIf(p -> SqliteFiles.SIDE_SUFFIXES.stream().anyMatch(p::endsWith)
                || !dev.owui.backup.instance.FileSelector.defaults().selects(p)); // cache/ and audit logs are not backed up
        Map<String, Path> got = files(restored);
        assertEquals(source.keySet(), got.keySet());
        int databases = 0;
        for (Map.Entry<String, Path> e : source.entrySet()) {
            Path expected = e.getValue();
            if (SqliteFiles.hasSqliteHeader(expected)) {
                expected = tmp.resolve("capture-" + databases++);
                SqliteCapture.capture(e.getValue(), expected, e.getKey());
            }
            assertEquals(-1L, Files.mismatch(expected, got.get(e.getKey())), e.getKey());
        }
        assertTrue(databases >= 2, "webui.db and chroma.sqlite3 compared as captures");
    }

    private static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            w.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    @Test
    @InjectMojo(goal = "restore")
    void theNewestBackupOfBothFormatsIsRestoredIntoAnEmptyDirectory(RestoreMojo mojo) throws Exception {
        TestSupport.backup(f.dataDir(), TestSupport.target(nas)); // an older format 2 backup beside
        dev.owui.backup.testkit.Mutator.change(f.dataDir(), 2, 5);
        String id = backup3();
        Path into = tmp.resolve("restored");
        Path file = restoreMojo(mojo, nas.toString(), into, false);
        mojo.execute();
        assertRestored(into);
        JsonNode r = ReportSchema.validate(file).get("restore");
        assertEquals(id, r.get("backupId").asText());
        assertEquals(3, r.get("format").asInt());
        assertEquals("whole", r.get("scope").asText());
        assertFalse(r.has("setAside") && !r.get("setAside").isNull(), r.toString());
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("restored.before-restore")), "nothing to move aside");
        }
    }

    @Test
    @InjectMojo(goal = "restore")
    void aNewerFormat2BackupIsTheNewest(RestoreMojo mojo) throws Exception {
        backup3();
        Thread.sleep(1100); // ids are seconds
        TestSupport.backup(f.dataDir(), TestSupport.target(nas));
        String id2 = TestSupport.target(nas).backups("test").get(0);
        Path file = restoreMojo(mojo, nas.toString(), tmp.resolve("restored"), false);
        mojo.execute();
        JsonNode r = ReportSchema.validate(file).get("restore");
        assertEquals(id2, r.get("backupId").asText());
        assertFalse(r.has("format"), "a format 2 restore: " + r);
    }

    @Test
    @InjectMojo(goal = "restore")
    void aNonEmptyDirectoryNeedsForceAndIsThenMovedAside(RestoreMojo mojo) throws Exception {
        String id = backup3();
        Path into = tmp.resolve("live");
        Files.createDirectories(into.resolve("uploads"));
        Files.writeString(into.resolve("uploads/mine.txt"), "kept");
        Files.writeString(into.resolve("webui.db-wal"), "a wal of another life");
        restoreMojo(mojo, nas.toString(), into, false);
        setVariableValueToObject(mojo, "backupId", id);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
        assertEquals(Map.of("uploads/mine.txt", into.resolve("uploads/mine.txt"), "webui.db-wal", into.resolve("webui.db-wal")), files(into));

        setVariableValueToObject(mojo, "force", true);
        Path file = report(mojo, "restore.json");
        mojo.execute();
        assertRestored(into);
        JsonNode r = ReportSchema.validate(file).get("restore");
        Path aside = Path.of(r.get("setAside").asText());
        assertEquals("kept", Files.readString(aside.resolve("uploads/mine.txt")));
        assertTrue(Files.exists(aside.resolve("webui.db-wal")));
    }

    @Test
    @InjectMojo(goal = "restore")
    void aDirectoryHeldOpenByAProcessIsRefused(RestoreMojo mojo) throws Exception {
        backup3();
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; exec sleep 60", "holder", f.webuiDb().toString()).start();
        try {
            Thread.sleep(200);
            Map<String, Path> before = files(f.dataDir());
            List<Long> sizes = new ArrayList<>();
            for (Path p : before.values()) {
                sizes.add(Files.size(p));
            }
            restoreMojo(mojo, nas.toString(), f.dataDir(), true);
            MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
            assertTrue(e.getMessage().contains("seems to be running") && e.getMessage().contains("process " + holder.pid()), e.getMessage());
            assertEquals(before, files(f.dataDir()));
            List<Long> after = new ArrayList<>();
            for (Path p : before.values()) {
                after.add(Files.size(p));
            }
            assertEquals(sizes, after);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    @InjectMojo(goal = "restore")
    void oneUploadIsRestoredIntoTheOutputDirectory(RestoreMojo mojo) throws Exception {
        backup3();
        String upload = f.uploads().get(0);
        Path out = tmp.resolve("out");
        setVariableValueToObject(mojo, "target", nas.toString());
        setVariableValueToObject(mojo, "paths", List.of(upload));
        setVariableValueToObject(mojo, "output", out.toFile());
        Path file = report(mojo, "restore.json");
        mojo.execute();
        assertEquals(List.of(upload), new ArrayList<>(files(out).keySet()));
        assertEquals(-1L, Files.mismatch(f.dataDir().resolve(upload), out.resolve(upload)));
        JsonNode r = ReportSchema.validate(file).get("restore");
        assertEquals("paths", r.get("scope").asText());
        assertEquals(1, r.get("files").asInt());
        assertEquals(3, r.get("format").asInt());

        // again: the file is there, so it needs force, and is then moved aside
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("already exist"), e.getMessage());
        setVariableValueToObject(mojo, "force", true);
        mojo.execute();
        JsonNode again = ReportSchema.validate(file).get("restore");
        assertTrue(Files.exists(Path.of(again.get("setAside").asText()).resolve(upload)));
    }

    /** The object an entry's content is stored in, and the file at the local target holding it. */
    private Path objectOf(String id, String path) {
        try (ObjectStore store = new LocalObjectStore(nas)) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            try (EntryIterator it = repo.backups().entries(repo.backups().head(id), DecryptionKeys.none())) {
                while (it.hasNext()) {
                    Entry e = it.next();
                    if (e.path().equals(path)) {
                        return nas.resolve("test").resolve(ObjectNames.relativeKey(e.object()));
                    }
                }
            }
        }
        throw new AssertionError(path + " not in " + id);
    }

    private static void flipAByte(Path object) throws IOException {
        byte[] b = Files.readAllBytes(object);
        b[b.length / 2] ^= 0x5a;
        object.toFile().setWritable(true);
        Files.write(object, b);
    }

    private Path verifyMojo(VerifyMojo mojo, String target, String backupId, String readData) throws Exception {
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "backupId", backupId);
        setVariableValueToObject(mojo, "readData", readData);
        return report(mojo, "verify.json");
    }

    @Test
    @InjectMojo(goal = "verify")
    void aWholeBackupVerifiesAndAFlippedByteFailsNamingBackupPathAndObject(VerifyMojo mojo) throws Exception {
        TestSupport.backup(f.dataDir(), TestSupport.target(nas));
        String id = backup3();
        Path file = verifyMojo(mojo, nas.toString(), "all", "all");
        mojo.execute();
        JsonNode t = ReportSchema.validate(file).get("verify").get("targets").get(0);
        assertEquals(2, t.get("backups").size(), "both formats: " + t);
        JsonNode b3 = t.get("backups").get(1);
        assertEquals(id, b3.get("backupId").asText());
        assertEquals(3, b3.get("format").asInt());
        assertEquals("whole", b3.get("result").asText());
        assertTrue(t.get("objectsRead").asLong() > 0 && t.get("databasesChecked").asLong() >= 2, t.toString());

        String upload = f.uploads().get(0);
        Path object = objectOf(id, upload);
        String name = object.getFileName().toString();
        flipAByte(object);
        setVariableValueToObject(mojo, "backupId", id);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains(id) && e.getMessage().contains(upload) && e.getMessage().contains(name), e.getMessage());
        JsonNode damaged = ReportSchema.validate(file).get("verify").get("targets").get(0).get("backups").get(0);
        assertEquals("damaged", damaged.get("result").asText());
        assertEquals(upload, damaged.get("damagedFiles").get(0).get("path").asText(), damaged.toString());
        assertEquals(name, damaged.get("damagedFiles").get(0).get("object").asText());
        try (Stream<Path> records = Files.list(nas.resolve("test/damage"))) {
            List<Path> all = records.toList();
            assertEquals(1, all.size());
            assertTrue(Files.readString(all.get(0)).contains(name));
        }
    }

    @Test
    @InjectMojo(goal = "verify")
    void aQuarterReadsOnlyItsPartOfTheObjects(VerifyMojo mojo) throws Exception {
        String id = backup3();
        // an upload whose object lies outside the first quarter of names (first byte 0x00–0x3f)
        Path object = null;
        for (String upload : f.uploads()) {
            Path o = objectOf(id, upload);
            if (Integer.parseInt(o.getFileName().toString().substring(0, 2), 16) >= 0x40) {
                object = o;
                break;
            }
        }
        assertTrue(object != null);
        flipAByte(object);
        Path file = verifyMojo(mojo, nas.toString(), null, "1/4");
        mojo.execute(); // the damaged object is not in this part; its size is right, so it exists as recorded
        JsonNode t = ReportSchema.validate(file).get("verify").get("targets").get(0);
        assertEquals("1/4", t.get("readData").asText());
        long part = t.get("objectsRead").asLong();
        assertTrue(part > 0, t.toString());

        setVariableValueToObject(mojo, "readData", "all");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains(object.getFileName().toString()), e.getMessage());
        long all = ReportSchema.validate(file).get("verify").get("targets").get(0).get("objectsRead").asLong();
        assertTrue(part < all, part + " of " + all);
    }

    @Test
    @InjectMojo(goal = "verify")
    void aMistypedReadDataFailsBeforeAnyTargetIsRead(VerifyMojo mojo) throws Exception {
        verifyMojo(mojo, tmp.resolve("nowhere").toString(), null, "half");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("owui.readData=half"), e.getMessage());
    }

    private static void s3(AbstractTargetMojo mojo, S3Server server) throws Exception {
        Server s = new Server();
        s.setId(S3Server.SERVER_ID);
        s.setUsername(S3Server.ACCESS_KEY);
        s.setPassword(S3Server.SECRET_KEY);
        Settings settings = new Settings();
        settings.addServer(s);
        setVariableValueToObject(mojo, "settings", settings);
        setVariableValueToObject(mojo, "serverId", S3Server.SERVER_ID);
        setVariableValueToObject(mojo, "s3Endpoint", server.endpoint());
    }

    @Test
    @InjectMojo(goal = "restore")
    void onS3TheNewestIsRestored(RestoreMojo restore) throws Exception {
        String url = "s3://backups/restore";
        String id = backup3(S3ObjectStore.open(server.spec(url), S3Server.context()));
        s3(restore, server);
        Path into = tmp.resolve("restored");
        Path file = restoreMojo(restore, url, into, false);
        restore.execute();
        assertRestored(into);
        assertEquals(id, ReportSchema.validate(file).get("restore").get("backupId").asText());
    }

    @Test
    @InjectMojo(goal = "verify")
    void onS3TheNewestVerifies(VerifyMojo verify) throws Exception {
        String url = "s3://backups/verify";
        String id = backup3(S3ObjectStore.open(server.spec(url), S3Server.context()));
        s3(verify, server);
        Path file = verifyMojo(verify, url, "latest", "all");
        verify.execute();
        JsonNode b = ReportSchema.validate(file).get("verify").get("targets").get(0).get("backups").get(0);
        assertEquals(id, b.get("backupId").asText());
        assertEquals("whole", b.get("result").asText());
    }

    @TempDir
    static Path serverDir;
    static S3Server server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start(serverDir.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
