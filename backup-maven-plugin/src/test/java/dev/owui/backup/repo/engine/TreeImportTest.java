package dev.owui.backup.repo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.store.s3.S3Target;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 1/2 backups made by BackupRunner (plain, zstd+pgp with an encrypted manifest; at a local
 * folder and at S3Proxy) imported into a local format 3 repository, then restored by RepoRestore.
 */
class TreeImportTest {
    static final String PASS = "import me";

    @TempDir
    Path tmp;
    int restores;

    private Path data() throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(5).build();
        Files.createDirectories(data.resolve("uploads/empty folder"));
        Files.createSymbolicLink(data.resolve("uploads/link"), Path.of("empty folder"));
        return data;
    }

    private Path secretKey() throws Exception {
        return Files.writeString(tmp.resolve("webui_secret_key"), "s3cr3t-key");
    }

    private static Manifest backup(Path data, Target t, CodecSettings codec, Path secret) {
        BackupOptions o = new BackupOptions(data, t, "test", FileSelector.defaults(), secret, 2).withCodec(codec);
        return new BackupRunner(new RecordingLog()).run(o).manifest();
    }

    private Repository repo(ObjectStore store) {
        return Repository.open(store, "test", tmp.resolve("scratch"), new RecordingLog());
    }

    private TreeImport.Options options(CodecSettings codec, DecryptionKeys keys) {
        return new TreeImport.Options(codec, keys, tmp.resolve("staging"), null, 2);
    }

    /** Restores {@code id} from the repository and checks every file against the source manifest, byte for byte. */
    private void assertRestoresAsManifest(Repository repo, Manifest m, DecryptionKeys keys) throws Exception {
        int n = restores++;
        Path dest = tmp.resolve("restored-" + n);
        Path key = tmp.resolve("restored-key-" + n);
        new RepoRestore(repo).run(new RepoRestore.Options(m.backupId(), dest, keys, key));
        int contents = 0;
        for (FileEntry e : m.files()) {
            if (e.isSymlink()) {
                assertEquals(Path.of(e.linkTarget()), Files.readSymbolicLink(dest.resolve(e.path())), e.path());
            } else if (e.isSecretKey()) {
                assertEquals(e.sha256(), TestSupport.sha256(key), "the secret key");
            } else {
                assertEquals(e.sha256(), TestSupport.sha256(dest.resolve(e.path())), e.path());
                assertEquals(e.mtime(), Files.getLastModifiedTime(dest.resolve(e.path()), LinkOption.NOFOLLOW_LINKS).toInstant(), e.path());
                contents++;
            }
        }
        assertTrue(contents > 5);
        m.directoriesOrEmpty().forEach(d -> assertTrue(Files.isDirectory(dest.resolve(d.path())), d.path()));
        assertTrue(Files.isDirectory(dest.resolve("uploads/empty folder")));
    }

    private static Map<String, Long> objects(Path root) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        try (var w = Files.walk(root.resolve("test/objects"))) {
            w.filter(Files::isRegularFile).forEach(p -> out.put(p.getFileName().toString(), p.toFile().length()));
        }
        return out;
    }

    @Test
    void aPlainBackupImportsAndTheNextDayWritesOnlyTheChanges() throws Exception {
        Path data = data();
        Target source = TestSupport.target(tmp.resolve("cloud"));
        Manifest first = backup(data, source, CodecSettings.plain(), secretKey());
        try (ObjectStore store = new LocalObjectStore(tmp.resolve("nas"))) {
            Repository repo = repo(store);
            TreeImport.Result r1 = new TreeImport(new RecordingLog()).run(source, "test", first.backupId(), repo, options(CodecSettings.zstd(3), null));
            BackupHead head = repo.backups().head(first.backupId());
            assertEquals(first.startedAt(), head.startedAt(), "the source's times");
            assertEquals(first.finishedAt(), head.finishedAt());
            assertEquals(first.host(), head.host());
            assertEquals(first.mode(), head.mode());
            assertEquals(first.openWebUi().counts(), head.openWebUi().counts(), "the source's facts");
            assertEquals("IMAGE", r1.databases().stream().filter(d -> d.path().equals("webui.db")).findFirst().orElseThrow().kind());
            assertRestoresAsManifest(repo, first, DecryptionKeys.none());

            Mutator.Change change = Mutator.change(data, 2, 11);
            RepoEngineContract.dayOfUse(data.resolve("webui.db"));
            Manifest second = backup(data, source, CodecSettings.plain(), secretKey());
            Map<String, Long> before = objects(tmp.resolve("nas"));
            TreeImport.Result r2 = new TreeImport(new RecordingLog()).run(source, "test", second.backupId(), repo, options(CodecSettings.zstd(3), null));
            Map<String, Long> after = objects(tmp.resolve("nas"));
            assertEquals(after.size() - before.size(), r2.objectsWritten(), "what the result counts is what the store gained");
            assertEquals("APPEND", r2.databases().stream().filter(d -> d.path().equals("webui.db")).findFirst().orElseThrow().kind(),
                    "a day of chats is a page set");
            long changedFiles = change.addedFiles().size() + change.modifiedFiles().size();
            // changed files, per database a layer and a page map, and the entry chunks
            assertTrue(r2.objectsWritten() <= changedFiles + 2 * 2 + 4, r2.objectsWritten() + " objects for " + changedFiles + " changed files");
            assertTrue(r2.filesReused() >= second.files().size() - changedFiles - 4, "unchanged files are not read again");
            long dbBytes = second.files().stream().filter(FileEntry::isSqlite).mapToLong(FileEntry::size).sum();
            assertTrue(r2.bytesWritten() < dbBytes / 2, r2.bytesWritten() + " bytes written, databases of " + dbBytes);
            assertRestoresAsManifest(repo, second, DecryptionKeys.none());
            assertRestoresAsManifest(repo, first, DecryptionKeys.none());

            OwuiException again = assertThrows(OwuiException.class,
                    () -> new TreeImport(new RecordingLog()).run(source, "test", second.backupId(), repo, options(CodecSettings.plain(), null)));
            assertTrue(again.getMessage().contains("already in the format 3 repository"), again.getMessage());
        }
    }

    @Test
    void anEncryptedBackupImportsWithTheKeyAndTheDestinationsEncryption() throws Exception {
        Path data = data();
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of())).withEncryptedManifest();
        DecryptionKeys keys = DecryptionKeys.of(PASS.toCharArray(), null);
        Target source = TestSupport.target(tmp.resolve("cloud"));
        Manifest header = backup(data, source, codec, secretKey());
        Manifest full = Manifests.read(source, "test", header.backupId(), keys);
        try (ObjectStore store = new LocalObjectStore(tmp.resolve("nas"))) {
            Repository repo = repo(store);
            OwuiException noKey = assertThrows(OwuiException.class,
                    () -> new TreeImport(new RecordingLog()).run(source, "test", header.backupId(), repo, options(codec, null)));
            assertTrue(noKey.getMessage().contains("encrypted"), noKey.getMessage());
            assertEquals(List.of(), repo.backups().list());

            new TreeImport(new RecordingLog()).run(source, "test", header.backupId(), repo, options(codec, keys));
            BackupHead head = repo.backups().head(header.backupId());
            assertEquals("zstd+pgp", head.chunkStorage(), "the destination's settings: encrypted entries");
            assertRestoresAsManifest(repo, full, keys);
        }
    }

    @Test
    void aRecordedDamagedObjectIsStoredAgainUnderItsName() throws Exception {
        Path data = data();
        Target source = TestSupport.target(tmp.resolve("cloud"));
        Manifest first = backup(data, source, CodecSettings.plain(), null);
        Thread.sleep(1100);
        Manifest second = backup(data, source, CodecSettings.plain(), null);
        try (ObjectStore store = new LocalObjectStore(tmp.resolve("nas"))) {
            Repository repo = repo(store);
            new TreeImport(new RecordingLog()).run(source, "test", first.backupId(), repo, options(CodecSettings.zstd(3), null));
            dev.owui.backup.repo.backup.Entry upload;
            try (var it = repo.backups().entries(repo.backups().head(first.backupId()), DecryptionKeys.none())) {
                List<dev.owui.backup.repo.backup.Entry> all = new java.util.ArrayList<>();
                it.forEachRemaining(all::add);
                upload = all.stream().filter(e -> "file".equals(e.type()) && e.path().startsWith("uploads/")).findFirst().orElseThrow();
            }
            String key = repo.key(dev.owui.backup.repo.objects.ObjectNames.relativeKey(upload.object()));
            store.delete(key);
            store.writeIfAbsent(key, "rotten".getBytes());
            repo.damage().record(List.of(new dev.owui.backup.repo.damage.DamageRecord.Damaged(upload.object(), first.backupId(), upload.path(), "test")));

            TreeImport.Result r = new TreeImport(new RecordingLog()).run(source, "test", second.backupId(), repo, options(CodecSettings.zstd(3), null));
            byte[] content = repo.objectReader().readAll(upload.object(), upload.storage(), DecryptionKeys.none());
            assertEquals(upload.sha256(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content)),
                    "repaired in place: both backups name a whole object again");
            assertTrue(r.objectsWritten() >= 1);
            assertRestoresAsManifest(repo, second, DecryptionKeys.none());
        }
    }

    @Test
    void importsFromS3() throws Exception {
        Path data = data();
        try (S3Server server = S3Server.start(tmp.resolve("s3"));
             S3Target source = S3Target.open(server.spec("s3://backups/owui"), S3Server.context());
             ObjectStore store = new LocalObjectStore(tmp.resolve("nas"))) {
            Manifest m = backup(data, source, CodecSettings.zstd(3), null);
            Repository repo = repo(store);
            new TreeImport(new RecordingLog()).run(source, "test", m.backupId(), repo, options(CodecSettings.plain(), null));
            assertRestoresAsManifest(repo, m, DecryptionKeys.none());
        }
    }

    @Test
    void aDamagedSourceFileFailsBeforeTheHead() throws Exception {
        Path data = data();
        Target source = TestSupport.target(tmp.resolve("cloud"));
        Manifest m = backup(data, source, CodecSettings.plain(), null);
        FileEntry upload = m.files().stream().filter(f -> f.path().startsWith("uploads/") && !f.isSymlink()).findFirst().orElseThrow();
        Path stored = tmp.resolve("cloud/test").resolve(m.backupId()).resolve(upload.path());
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 1;
        Files.write(stored, b);
        try (ObjectStore store = new LocalObjectStore(tmp.resolve("nas"))) {
            Repository repo = repo(store);
            OwuiException e = assertThrows(OwuiException.class,
                    () -> new TreeImport(new RecordingLog()).run(source, "test", m.backupId(), repo, options(CodecSettings.zstd(3), null)));
            assertTrue(e.getMessage().contains(upload.path()) && e.getMessage().contains("does not match its manifest"), e.getMessage());
            assertEquals(List.of(), repo.backups().list(), "no backup appears");
        }
        // A damaged database too: caught before the page machinery sees it.
        Path db = tmp.resolve("cloud/test").resolve(m.backupId()).resolve("webui.db");
        byte[] d = Files.readAllBytes(db);
        b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 1;
        Files.write(stored, b); // the upload is whole again
        d[d.length - 10] ^= 1;
        Files.write(db, d);
        try (ObjectStore store = new LocalObjectStore(tmp.resolve("nas2"))) {
            Repository repo = repo(store);
            OwuiException e = assertThrows(OwuiException.class,
                    () -> new TreeImport(new RecordingLog()).run(source, "test", m.backupId(), repo, options(CodecSettings.zstd(3), null)));
            assertTrue(e.getMessage().contains("webui.db") && e.getMessage().contains("does not match its manifest"), e.getMessage());
            assertEquals(List.of(), repo.backups().list(), "no backup appears");
        }
    }
}
