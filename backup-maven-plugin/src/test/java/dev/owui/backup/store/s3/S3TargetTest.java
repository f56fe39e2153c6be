package dev.owui.backup.store.s3;

import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.BackupWriter.Stored;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetLock;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** S3Target against S3Proxy on loopback (a real S3 API over a folder). */
class S3TargetTest {
    /** Leading and trailing spaces, quotes, a backslash, non-ASCII, glob and URL-special characters. */
    static final String AWKWARD = " what?*[x] \\ it's \"quoted\" 100% a+b&c=d#e résumé 日本 .txt ";
    /** 204 characters, 214 bytes (S3Proxy's filesystem store adds its own temp-name suffix within the 255-byte NAME_MAX). */
    static final String LONG = "x".repeat(190) + "ü".repeat(10) + ".pdf";

    @TempDir
    Path tmp;
    S3Server server;
    S3Target target;
    final RequestLog requests = new RequestLog();

    @BeforeEach
    void start() throws Exception {
        server = S3Server.start(tmp.resolve("s3"));
        // 5 MiB parts (S3's minimum) and copies in parts above 6 MiB, so small files exercise both multipart paths
        target = S3Target.open(server.spec("s3://backups/owui"), S3Server.context(), new S3Target.Tuning(5 << 20, 6 << 20), List.of(requests));
    }

    @AfterEach
    void stop() throws Exception {
        if (target != null) {
            target.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path source(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = tmp.resolve("src").resolve(name.replace('/', '_').replace('\\', '_').trim() + seed);
        Files.createDirectories(p.getParent());
        return Files.write(p, b);
    }

    static Manifest manifest(String id, List<FileEntry> files) {
        long bytes = files.stream().mapToLong(FileEntry::size).sum();
        return new Manifest(Manifest.FORMAT, Manifest.FORMAT_VERSION, "test", "test", id, "here", "/data", "hot",
                Instant.parse("2026-11-26T07:48:02Z"), Instant.parse("2026-11-26T07:48:05Z"), null,
                new Manifest.Totals(files.size(), bytes, bytes, 0), files);
    }

    private static FileEntry entry(String path, Stored s, Instant mtime, String reusedFrom) {
        return new FileEntry(path, FileEntry.FILE, s.size(), s.sha256(), mtime, "rw-r-----", FileEntry.STORED_PLAIN, reusedFrom, null);
    }

    private static String read(S3Target t, String instance, String id, String path) throws Exception {
        try (InputStream in = t.open(instance, id, path)) {
            return dev.owui.backup.store.Hashing.sha256(in).sha256();
        }
    }

    @Test
    void storesInPartsListsOnlyCommittedBackupsReadsBackAndSharesByServerSideCopy() throws Exception {
        Instant mtime = Instant.parse("2026-11-20T10:01:02Z");
        Path small = source("a.bin", 700_000, 1);
        Path big = source("big.bin", 12 << 20, 2); // 3 parts of 5 MiB
        Path awkward = source("awkward", 1000, 3);
        Path longName = source("long", 10, 4);
        Path empty = source("empty", 0, 5);
        String id1 = "20261126T074802Z";
        String id2 = "20261126T074902Z";
        String[] paths = {"uploads/a.bin", "uploads/big.bin", "uploads/" + AWKWARD, "uploads/" + LONG, "uploads/empty"};
        Path[] sources = {small, big, awkward, longName, empty};

        List<FileEntry> first = new ArrayList<>();
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", id1)) {
            assertNull(lock.clearedStale());
            for (int i = 0; i < paths.length; i++) {
                first.add(entry(paths[i], w.copy(paths[i], sources[i], mtime, "rw-r-----"), mtime, null));
            }
            Path staged = w.stagingFile("webui.db");
            assertFalse(staged.startsWith(server.dir()), "staging is local");
            Files.write(staged, "sqlite bytes".getBytes());
            w.putStaged("webui.db", staged, mtime, "rw-r--r--");
            assertFalse(Files.exists(staged), "the staged file is consumed");
            w.symlink("uploads/link", "a.bin");
            assertEquals(List.of(), target.backups("test"), "not a backup before its manifest is in");
            assertEquals(List.of(id1), target.incomplete("test"), "the id's own prefix, without a manifest, is incomplete");
            w.commit(manifest(id1, first));
        }
        assertEquals(1, requests.count("CompleteMultipartUpload"), "the 12 MiB file went as a multipart upload: " + requests);
        assertEquals(3, requests.count("UploadPart"));
        for (int i = 0; i < paths.length; i++) {
            assertEquals(sha256(sources[i]), first.get(i).sha256(), "hashed while uploading: " + paths[i]);
            assertEquals(sha256(sources[i]), read(target, "test", id1, paths[i]), "read back: " + paths[i]);
        }
        assertThrows(NoSuchFileException.class, () -> target.open("test", id1, "uploads/link"), "a symlink is only in the manifest");
        assertEquals(List.of(id1), target.backups("test"));
        assertEquals(List.of(), target.incomplete("test"));
        assertEquals(List.of("test"), target.instances());
        assertEquals(first, target.manifest("test", id1).files());

        Path local = target.localFile("test", id1, "webui.db");
        assertEquals("sqlite bytes", Files.readString(local));

        requests.clear();
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", id2)) {
            for (int i = 0; i < paths.length; i++) {
                assertEquals(BackupWriter.Reuse.SHARED, w.reuse(paths[i], id1, first.get(i).size()), "server-side copy of " + paths[i]);
            }
            assertEquals(BackupWriter.Reuse.MISSING, w.reuse("uploads/gone.bin", id1, 1), "an earlier copy that is missing: store anew, not a refused link");
            assertEquals(BackupWriter.Reuse.WRONG_SIZE, w.reuse(paths[0], id1, first.get(0).size() + 1), "a copy of another size than recorded: store anew");
            w.commit(manifest(id2, first.stream().map(e -> e.reused(id1)).toList()));
        }
        assertEquals(2, requests.count("PutObject"), "only the lock and the manifest were uploaded: " + requests);
        assertEquals(0, requests.count("UploadPart"));
        assertEquals(paths.length - 1, requests.count("CopyObject"), "one CopyObject per file but the big one");
        assertEquals(3, requests.count("UploadPartCopy"), "the big file (above the copy limit) was copied in parts");
        assertEquals(paths.length - 1, server.calls("copyBlob"), "S3Proxy copied them itself");
        for (int i = 0; i < paths.length; i++) {
            assertEquals(sha256(sources[i]), read(target, "test", id2, paths[i]), "the copy reads back: " + paths[i]);
        }
        assertEquals(List.of(id1, id2), target.backups("test"), "oldest first");

        target.close();
        assertFalse(Files.exists(local), "downloads are removed on close");
        target = S3Target.open(server.spec("s3://backups/owui"), S3Server.context());
        target.delete("test", id1);
        assertEquals(List.of(id2), target.backups("test"));
        assertEquals(List.of(), target.incomplete("test"), "nothing of the removed backup is left");
        assertEquals(sha256(big), read(target, "test", id2, "uploads/big.bin"), "a copy outlives the backup it came from");
    }

    @Test
    void everyUploadIsSignedWithItsPayloadsSha256SoTheServerChecksWhatArrives() throws Exception {
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor spy = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission c,
                                           software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
                if (c.httpRequest().method() == software.amazon.awssdk.http.SdkHttpMethod.PUT && c.request() instanceof software.amazon.awssdk.services.s3.model.UploadPartRequest
                        || c.request() instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest) {
                    sent.add(c.httpRequest().firstMatchingHeader("x-amz-content-sha256").orElse("none"));
                }
            }
        };
        target.close();
        target = S3Target.open(server.spec("s3://backups/owui"), S3Server.context(), new S3Target.Tuning(5 << 20, 6 << 20), List.of(spy));
        Path small = source("s", 1000, 1);
        Path big = source("b", 6 << 20, 2); // two parts: 5 MiB + 1 MiB
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", "20261126T074802Z")) {
            sent.clear();
            w.copy("small", small, Instant.now(), null);
            w.copy("big", big, Instant.now(), null);
        }
        byte[] b = Files.readAllBytes(big);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        String part1 = java.util.HexFormat.of().formatHex(sha.digest(java.util.Arrays.copyOfRange(b, 0, 5 << 20)));
        String part2 = java.util.HexFormat.of().formatHex(sha.digest(java.util.Arrays.copyOfRange(b, 5 << 20, b.length)));
        assertEquals(List.of(sha256(small), part1, part2), sent, "the payload hash, never UNSIGNED-PAYLOAD or a chunked stream");
    }

    @Test
    void aKeyOverS3sLimitFailsNamingTheFile() throws Exception {
        Path src = source("x", 10, 1);
        String tooLong = "uploads/" + "日".repeat(400); // 1200 bytes in UTF-8
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", "20261126T074802Z")) {
            OwuiException e = assertThrows(OwuiException.class, () -> w.copy(tooLong, src, Instant.now(), null));
            assertTrue(e.getMessage().contains("over S3's limit of 1024"), e.getMessage());
            assertTrue(e.getMessage().contains("rename the file"), e.getMessage());
        }
        assertEquals(List.of(), target.incomplete("test"), "the failed writer removed its tree");
    }

    @Test
    void aLockHeldByAnotherHostIsNeverBrokenAndNamesTheCommandToClearIt() throws Exception {
        LockInfo other = new LockInfo("elsewhere.example", 4242, "2026-11-26T01:00:00Z", "2026-11-26T02:00:00Z", "owui-backup (s3)");
        target.put("owui/test/locks/other.json", other.toJson());
        OwuiException e = assertThrows(OwuiException.class, () -> target.lock("test"));
        assertTrue(e.getMessage().contains("pid 4242 on elsewhere.example since 2026-11-26T02:00:00Z"), e.getMessage());
        assertTrue(e.getMessage().contains("aws s3 rm 's3://backups/owui/test/locks/other.json' --endpoint-url " + server.endpoint()), e.getMessage());
        assertEquals(1, target.objects("owui/test/locks/").size(), "our own lock was withdrawn, theirs kept");

        target.deleteKeys(List.of("owui/test/locks/other.json"));
        try (TargetLock held = target.lock("test")) {
            OwuiException again = assertThrows(OwuiException.class, () -> target.lock("test"), "a second run is refused");
            assertTrue(again.getMessage().contains("pid " + ProcessHandle.current().pid()), again.getMessage());
        }
        assertEquals(0, target.objects("owui/test/locks/").size(), "released");
    }

    @Test
    void aStaleLockOfADeadProcessOnThisHostIsClearedWithAWarning() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        LockInfo dead = new LockInfo(LockInfo.hostName(), p.pid(), "2026-11-26T01:00:00Z", "2026-11-26T02:00:00Z", "owui-backup (s3)");
        target.put("owui/test/locks/dead.json", dead.toJson());
        try (TargetLock lock = target.lock("test")) {
            assertTrue(lock.clearedStale() != null && lock.clearedStale().contains("pid " + p.pid()), String.valueOf(lock.clearedStale()));
        }
        assertEquals(0, target.objects("owui/test/locks/").size());
    }

    @Test
    void badCredentialsNameTheTargetAndServerIdButNeverTheSecret() throws Exception {
        try (S3Target bad = S3Target.open(server.spec("s3://backups/owui"), S3Server.context(S3Server.ACCESS_KEY, "wrong-secret-123"))) {
            OwuiException e = assertThrows(OwuiException.class, () -> bad.backups("test"));
            assertTrue(e.getMessage().contains("s3://backups/owui"), e.getMessage());
            assertTrue(e.getMessage().contains("server 's3test'"), e.getMessage());
            assertTrue(e.getMessage().contains("SignatureDoesNotMatch"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-secret-123"), "the secret is never printed");
        }
        try (S3Target bad = S3Target.open(server.spec("s3://backups/owui"), S3Server.context("nobody", "x"))) {
            OwuiException e = assertThrows(OwuiException.class, () -> bad.lock("test"));
            assertTrue(e.getMessage().contains("rejected the access key of server 's3test'"), e.getMessage());
        }
    }

    @Test
    void withoutAServerIdTheKeysComeFromTheEnvironmentMavenSees() throws Exception {
        TargetSpec noServer = new TargetSpec(null, "s3://backups/owui", null, null, server.endpoint(), null);
        TargetContext env = new TargetContext(Path.of("."), true, id -> null, id -> {
            throw new AssertionError("no settings.xml lookup without a server id");
        }, java.util.Map.of("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY));
        try (S3Target t = S3Target.open(noServer, env)) {
            try (TargetLock lock = t.lock("test")) { // a signed PUT, LIST and DELETE
                assertNull(lock.clearedStale());
                assertEquals(List.of("test"), t.instances());
            }
        }
        TargetContext wrong = new TargetContext(Path.of("."), true, id -> null, id -> null,
                java.util.Map.of("AWS_ACCESS_KEY_ID", "someone", "AWS_SECRET_ACCESS_KEY", "else"));
        try (S3Target t = S3Target.open(noServer, wrong)) {
            OwuiException e = assertThrows(OwuiException.class, () -> t.instances());
            assertTrue(e.getMessage().contains("rejected the AWS default credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("set owui.serverId"), e.getMessage());
        }
    }

    @Test
    void aMissingBucketSaysHowToCreateIt() throws Exception {
        try (S3Target t = S3Target.open(server.spec("s3://no-such-bucket/owui"), S3Server.context())) {
            OwuiException e = assertThrows(OwuiException.class, () -> t.lock("test"));
            assertTrue(e.getMessage().contains("bucket no-such-bucket does not exist at " + server.endpoint()), e.getMessage());
            assertTrue(e.getMessage().contains("aws s3 mb s3://no-such-bucket --endpoint-url " + server.endpoint()), e.getMessage());
        }
    }

    @Test
    void anUnreachableEndpointIsNamed() throws Exception {
        server.stop();
        try (S3Target t = S3Target.open(server.spec("s3://backups/owui"), S3Server.context())) {
            OwuiException e = assertThrows(OwuiException.class, () -> t.backups("test"));
            assertTrue(e.getMessage().startsWith("cannot reach " + server.endpoint() + " for target s3://backups/owui"), e.getMessage());
        }
    }

    @Test
    void targetsOpensS3UrlsWithTheirOptions() throws Exception {
        TargetSpec spec = new TargetSpec("offsite", "s3://backups/some/prefix/", S3Server.SERVER_ID, null, server.endpoint(), null);
        try (var t = Targets.open(spec, S3Server.context())) {
            assertEquals("s3://backups/some/prefix", t.location());
            assertEquals(List.of(), t.instances());
        }
        OwuiException e = assertThrows(OwuiException.class, () -> Targets.open(
                new TargetSpec(null, "s3://backups/x", "other", null, server.endpoint(), null), S3Server.context()));
        assertTrue(e.getMessage().contains("'other'"), e.getMessage());
    }

    @Test
    void removeIncompleteDeletesTreesWithoutAManifestOnly() throws Exception {
        target.put("owui/test/20261126T074802Z/uploads/a", "x".getBytes(StandardCharsets.UTF_8));
        target.put("owui/test/20261126T074902Z/uploads/a", "x".getBytes(StandardCharsets.UTF_8));
        target.put("owui/test/20261126T074902Z/manifest.json", dev.owui.backup.format.ManifestCodec.write(manifest("20261126T074902Z", List.of())));
        assertEquals(List.of("20261126T074802Z"), target.incomplete("test"));
        assertEquals(List.of("20261126T074802Z"), target.removeIncomplete("test").removed());
        assertEquals(List.of(), target.incomplete("test"));
        assertEquals(List.of("20261126T074902Z"), target.backups("test"));
    }
}
