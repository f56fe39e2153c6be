package dev.owui.backup.external;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.s3.S3Access;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;

/**
 * Uploads Open WebUI keeps in S3 (STORAGE_PROVIDER=s3), with S3Proxy as the provider: the
 * webui.db's file rows name {@code s3://owui-uploads/<key>} objects; the format 3 backup holds
 * them, a second backup with nothing changed reads none of them again (its requests are counted
 * at the SDK), a changed object is stored anew, and a restore brings back the rows and the
 * objects byte for byte, into an empty bucket or as files beside the data directory.
 */
class ObjectStorageBackupTest {
    static final String BUCKET = "owui-uploads";
    @TempDir
    static Path serverDir;
    static S3Server server;
    @TempDir
    Path tmp;
    /** "<operation> <path>" per request the provider's client sent. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final EngineLog log = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }
    };
    Path data;
    /** key → content, as put into the provider's bucket. */
    final Map<String, byte[]> objects = new TreeMap<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start(serverDir.resolve("s3"), 0, BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    StorageProvider provider() {
        return provider(S3Server.SECRET_KEY);
    }

    StorageProvider provider(String secret) {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
                requests.add(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " " + c.httpRequest().encodedPath());
            }
        };
        return StorageProvider.s3(server.endpoint(), null, null, S3Server.SERVER_ID, new Credentials(S3Server.ACCESS_KEY, secret, null, null))
                .withInterceptors(List.of(counter));
    }

    long count(String operation) {
        return requests.stream().filter(r -> r.startsWith(operation + " ")).count();
    }

    /** A data directory whose webui.db has, besides its local uploads, rows naming objects in the provider's bucket. */
    @BeforeEach
    void instance() throws Exception {
        data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).users(2).chatsPerUser(2).uploads(3).build();
        Random r = new Random(5);
        String prefix = "t" + System.nanoTime() + "/uploads/"; // a bucket of its own per test: S3_KEY_PREFIX
        for (String name : List.of("3f1c_report.pdf", "9a2e_notes (draft).txt", "b7d0_ünïcode name.md")) {
            byte[] b = new byte[1000 + r.nextInt(50_000)];
            r.nextBytes(b);
            objects.put(prefix + name, b);
        }
        try (S3Access a = provider().open(BUCKET)) {
            objects.forEach((k, b) -> a.client().putObject(q -> q.bucket(BUCKET).key(k), RequestBody.fromBytes(b)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db"));
             PreparedStatement s = c.prepareStatement("INSERT INTO file (id, user_id, filename, path, created_at, updated_at) VALUES (?, 'u', ?, ?, 1, 1)")) {
            int i = 0;
            for (String k : objects.keySet()) {
                s.setString(1, "ext" + i++);
                s.setString(2, k.substring(k.lastIndexOf('/') + 1));
                s.setString(3, "s3://" + BUCKET + "/" + k);
                s.executeUpdate();
            }
        }
        requests.clear();
    }

    Repository repo() {
        return Repository.open(new LocalObjectStore(tmp.resolve("target")), "open-webui", tmp.resolve("scratch"), log);
    }

    RepoBackupRunner.Result backup(StorageProvider p) {
        RepoBackupRunner.Options o = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false, tmp.resolve("staging"))
                .withPageMapCache(tmp.resolve("cache/pagemaps"));
        return new RepoBackupRunner(log).objectStorage(p).run(repo(), o);
    }

    Map<String, Entry> externalEntries(String backupId) {
        Repository repo = repo();
        Map<String, Entry> out = new TreeMap<>();
        try (EntryIterator it = repo.backups().entries(repo.backups().head(backupId), DecryptionKeys.none())) {
            it.forEachRemaining(e -> {
                if (Entry.EXTERNAL.equals(e.type())) {
                    out.put(e.path(), e);
                }
            });
        }
        return out;
    }

    static String pathOf(String key) {
        return ExternalObject.ROOT + "/s3/" + BUCKET + "/" + key;
    }

    @Test
    void theBackupHoldsTheObjectsAndANoChangeBackupReadsNoneOfThemAgain() throws Exception {
        RepoBackupRunner.Result first = backup(provider());
        Map<String, Entry> held = externalEntries(first.backupId());
        assertEquals(objects.keySet().stream().map(ObjectStorageBackupTest::pathOf).toList(), List.copyOf(held.keySet()));
        assertEquals(objects.size(), count("GetObject"), "each object read once: " + requests);
        assertEquals(List.of(), first.warnings().stream().filter(w -> w.contains("external") || w.contains("object")).toList());
        held.values().forEach(e -> assertTrue(e.etag() != null && !e.etag().contains("\""), "the ETag is recorded: " + e));
        var verified = new dev.owui.backup.repo.restore.RepoVerify(repo())
                .run(new dev.owui.backup.repo.restore.RepoVerify.Options(null, dev.owui.backup.repo.restore.ReadData.all(), null, false));
        assertEquals(List.of(), verified.problems(), "verify reads and checks them like any content");

        Thread.sleep(1000); // backup ids are times to the second
        requests.clear();
        RepoBackupRunner.Result second = backup(provider());
        assertEquals(0, count("GetObject"), "unchanged objects are not read again: " + requests);
        assertEquals(0, count("HeadObject"), "one listing says what changed: " + requests);
        assertTrue(count("ListObjectsV2") >= 1, requests.toString());
        assertEquals(held, externalEntries(second.backupId()), "the entries are reused as they were");
        assertTrue(second.filesReused() >= objects.size(), "counted as reused: " + second.filesReused());

        // one object changes (same key, new bytes): only it is read and stored anew
        String changed = objects.keySet().iterator().next();
        byte[] now = "a new version of the report".getBytes(StandardCharsets.UTF_8);
        objects.put(changed, now);
        try (S3Access a = provider().open(BUCKET)) {
            a.client().putObject(q -> q.bucket(BUCKET).key(changed), RequestBody.fromBytes(now));
        }
        Thread.sleep(1000);
        requests.clear();
        RepoBackupRunner.Result third = backup(provider());
        assertEquals(List.of("GetObject /" + BUCKET + "/" + changed.replace(" ", "%20")),
                requests.stream().filter(q -> q.startsWith("GetObject ")).map(q -> q.replace("%2F", "/")).toList());
        Map<String, Entry> after = externalEntries(third.backupId());
        assertNotEquals(held.get(pathOf(changed)).object(), after.get(pathOf(changed)).object());
        assertEquals(now.length, after.get(pathOf(changed)).size());
        held.keySet().stream().filter(p -> !p.equals(pathOf(changed))).forEach(p -> assertEquals(held.get(p), after.get(p)));
    }

    @Test
    void aRestoreBringsBackTheRowsAndTheObjectsIntoAnEmptyBucket() throws Exception {
        backup(provider());
        server.createBucket("owui-restored");
        Path out = tmp.resolve("restored");
        // Open WebUI's rows name their bucket: restore puts each object back under its own key and bucket,
        // so to prove it against an empty bucket, the source bucket's objects are removed first
        try (S3Access a = provider().open(BUCKET)) {
            objects.keySet().forEach(k -> a.client().deleteObject(q -> q.bucket(BUCKET).key(k)));
        }
        new RepoRestore(repo()).objectStorage(ExternalRestore.Destination.bucket(provider(), false))
                .run(new RepoRestore.Options(null, out, DecryptionKeys.none(), null));
        try (S3Access a = provider().open(BUCKET)) {
            for (Map.Entry<String, byte[]> o : objects.entrySet()) {
                assertArrayEquals(o.getValue(), a.client().getObject(q -> q.bucket(BUCKET).key(o.getKey()), ResponseTransformer.toBytes()).asByteArray(),
                        o.getKey());
            }
        }
        assertEquals(objects.keySet().stream().map(k -> "s3://" + BUCKET + "/" + k).toList(), rows(out));
        assertFalse(Files.exists(out.resolve("_outside-data-dir")), "nothing of it in the data directory");

        // again into a second folder: the objects are there, the same: left alone, no PUT
        requests.clear();
        new RepoRestore(repo()).objectStorage(ExternalRestore.Destination.bucket(provider(), false))
                .run(new RepoRestore.Options(null, tmp.resolve("again"), DecryptionKeys.none(), null));
        assertEquals(0, count("PutObject"), requests.toString());

        // an object of other content at a key: refused, nothing changed; forced: replaced
        String k = objects.keySet().iterator().next();
        try (S3Access a = provider().open(BUCKET)) {
            a.client().putObject(q -> q.bucket(BUCKET).key(k), RequestBody.fromString("someone else's"));
        }
        Path third = tmp.resolve("third");
        OwuiException e = assertThrows(OwuiException.class, () -> new RepoRestore(repo())
                .objectStorage(ExternalRestore.Destination.bucket(provider(), false)).run(new RepoRestore.Options(null, third, DecryptionKeys.none(), null)));
        assertTrue(e.getMessage().contains(k) && e.getMessage().contains("owui.force"), e.getMessage());
        assertFalse(Files.exists(third), "nothing restored");
        new RepoRestore(repo()).objectStorage(ExternalRestore.Destination.bucket(provider(), true))
                .run(new RepoRestore.Options(null, third, DecryptionKeys.none(), null));
        try (S3Access a = provider().open(BUCKET)) {
            assertArrayEquals(objects.get(k), a.client().getObject(q -> q.bucket(BUCKET).key(k), ResponseTransformer.toBytes()).asByteArray());
        }
    }

    @Test
    void withoutAProviderARestoreWritesThemBesideTheDataDirectory() throws Exception {
        backup(provider());
        Path out = tmp.resolve("restored");
        new RepoRestore(repo()).run(new RepoRestore.Options(null, out, DecryptionKeys.none(), null));
        Path beside = tmp.resolve("restored.object-storage");
        for (Map.Entry<String, byte[]> o : objects.entrySet()) {
            assertArrayEquals(o.getValue(), Files.readAllBytes(beside.resolve("s3").resolve(BUCKET).resolve(o.getKey())), o.getKey());
        }
        assertFalse(Files.exists(out.resolve("_outside-data-dir")), "nothing of it in the data directory");
        assertTrue(warnings.stream().anyMatch(w -> w.contains(beside.toString()) && w.contains("aws s3 cp")), warnings.toString());
    }

    @Test
    void aRowWhoseObjectIsMissingIsAWarningNamingIt() throws Exception {
        String gone = objects.keySet().iterator().next();
        try (S3Access a = provider().open(BUCKET)) {
            a.client().deleteObject(q -> q.bucket(BUCKET).key(gone));
        }
        RepoBackupRunner.Result r = backup(provider());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("s3://" + BUCKET + "/" + gone) && w.contains("not in the bucket")), r.warnings().toString());
        assertEquals(objects.size() - 1, externalEntries(r.backupId()).size());
    }

    @Test
    void badCredentialsFailNamingTheProviderAndTheSettingsServer() {
        OwuiException e = assertThrows(OwuiException.class, () -> backup(provider("not-the-secret")));
        assertTrue(e.getMessage().contains("STORAGE_PROVIDER=s3") && e.getMessage().contains(BUCKET)
                && e.getMessage().contains("'" + S3Server.SERVER_ID + "'") && e.getMessage().contains("settings.xml"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-secret"), "the secret is never shown");
        assertTrue(repo().backups().list().isEmpty(), "no backup");
    }

    @Test
    void withoutAProviderTheRowsAreListedAsBefore() throws Exception {
        RepoBackupRunner.Result r = backup(null);
        assertEquals(Map.of(), externalEntries(r.backupId()));
        assertEquals(objects.size(), r.head().openWebUi().externalFiles().size());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("not in this backup") && w.contains("owui.storage.serverId")), r.warnings().toString());
    }

    @Test
    void pathFormsOfOpenWebUisProviders() {
        ExternalObject s3 = ExternalObject.parse("s3://bucket/prefix/uploads/3f1c_a b.pdf");
        assertEquals(List.of("s3", "bucket", "prefix/uploads/3f1c_a b.pdf"), List.of(s3.provider(), s3.bucket(), s3.key()));
        assertEquals("_outside-data-dir/object-storage/s3/bucket/prefix/uploads/3f1c_a b.pdf", s3.path());
        assertEquals(s3.bucket() + s3.key(), ExternalObject.ofPath(s3.path()).bucket() + ExternalObject.ofPath(s3.path()).key());
        assertEquals("gcs", ExternalObject.parse("gs://b/f.pdf").provider());
        assertEquals("azure", ExternalObject.parse("https://acct.blob.core.windows.net/container/f.pdf").provider());
        assertEquals(null, ExternalObject.parse("s3://bucket//x").path(), "an empty key segment cannot be placed safely");
        assertEquals(null, ExternalObject.parse("s3://bucket/a/../x").path());
    }

    static List<String> rows(Path dataDir) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("webui.db"));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT path FROM file WHERE path LIKE 's3://%' ORDER BY path")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
