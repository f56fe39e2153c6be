package dev.owui.backup.store;

import static dev.owui.backup.TestSupport.assertPrivateTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.sftp.SftpTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the tool writes at a target is private (folders 0700, files 0600) whatever the
 * umask and the source's modes: the tree holds upload names and contents. The source modes live
 * in the manifest (RestoreRunnerTest puts them back).
 */
class PrivateTargetTest {
    @TempDir
    Path tmp;
    Fixture f;
    String upload;

    @BeforeEach
    void setUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        upload = f.uploads().get(0);
        // What an umask of 022 gives, which the stored tree used to copy: world-readable everything.
        Files.setPosixFilePermissions(f.dataDir().resolve(upload), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(f.dataDir().resolve("uploads"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(f.dataDir().resolve("uploads/empty"));
        Files.setPosixFilePermissions(f.dataDir().resolve("uploads/empty"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static CodecSettings zstdPgpSealed() {
        return CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of("a long passphrase".toCharArray(), List.of())).withEncryptedManifest();
    }

    @Test
    void aLocalBackupIsPrivateFromTheInstanceFolderDown() throws Exception {
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest first = new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target)).manifest();
        Mutator.change(f.dataDir(), 3, 1);
        // compressed, encrypted and a sealed manifest: staged files, manifest.json.gpg
        Manifest second = new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target).withCodec(zstdPgpSealed())).manifest();
        Path instance = target.root().resolve("test");
        int[] seen = assertPrivateTree(instance);
        assertTrue(seen[1] > 20, "the walk saw the stored files");
        assertTrue(Files.isRegularFile(instance.resolve(second.backupId()).resolve("manifest.json.gpg")));
        assertTrue(Files.isDirectory(instance.resolve(first.backupId()).resolve("uploads/empty")), "an empty folder is in the tree too");
    }

    @Test
    void theLockAndAPartialTreeArePrivateWhileARunWrites() throws Exception {
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Path instance = target.root().resolve("test");
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", "20260101T000000Z")) {
            w.copy("uploads/sub/a.txt", f.dataDir().resolve(upload), Instant.now(), "rw-r--r--");
            w.directory("uploads/empty");
            Path staged = w.stagingFile("webui.db");
            try (var out = PrivateFiles.newOutputStream(staged)) {
                out.write(1);
            }
            w.putStaged("webui.db", staged, Instant.now(), "rw-r--r--");
            assertTrue(Files.isRegularFile(instance.resolve(LocalTarget.LOCK_FILE)));
            assertTrue(Files.isDirectory(instance.resolve(".20260101T000000Z.partial/uploads/empty")));
            assertPrivateTree(instance);
        }
        // The manifest's temporary file, the manifest, the renamed tree.
        LocalTarget.writeAtomically(instance.resolve("m.json"), "{}".getBytes(), true);
        assertPrivateTree(instance);
    }

    @Test
    void aLocalSnapshotIsPrivate() throws Exception {
        LocalTarget snapshots = TestSupport.target(tmp.resolve("snapshots"));
        for (int i = 0; i < 2; i++) {
            new SnapshotRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), snapshots), 2);
        }
        assertEquals(2, snapshots.backups("test").size());
        assertPrivateTree(snapshots.root().resolve("test"));
    }

    @Test
    void theStagingDirectoryOfAPlanAndItsTargetsArePrivate() throws Exception {
        Path staging = tmp.resolve("staging");
        TargetContext context = new TargetContext(tmp, true, id -> {
            throw new AssertionError("no SSH here");
        }, id -> {
            throw new AssertionError("no credentials here");
        }, Map.of());
        List<TargetSpec> targets = List.of(new TargetSpec("nas", tmp.resolve("nas").toString(), null, null, null, null),
                new TargetSpec("cloud", tmp.resolve("cloud").toString(), null, null, null, null));
        new PlanRunner(new RecordingLog()).run(new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t), targets,
                s -> Targets.open(s, context), staging, null, ZoneOffset.UTC, null));
        assertPrivateTree(staging);
        assertPrivateTree(tmp.resolve("nas"));
        assertPrivateTree(tmp.resolve("cloud"));
    }

    @Test
    void localCopiesOfRemoteFilesArePrivate() throws Exception {
        Path local;
        try (LocalCopies copies = new LocalCopies("owui-test-copies-")) {
            local = copies.get("test", "20260101T000000Z", "vector_db/x/chroma.sqlite3", () -> new ByteArrayInputStream(new byte[] {1, 2}));
            Path root = local;
            for (int i = 0; i < 5; i++) {
                root = root.getParent();
            }
            assertTrue(root.getFileName().toString().startsWith("owui-test-copies-"), root.toString());
            int[] seen = assertPrivateTree(root);
            assertEquals(1, seen[1]);
        }
        assertTrue(Files.notExists(local));
    }

    @Test
    void anSftpBackupSnapshotAndLockArePrivateOnTheServer() throws Exception {
        Sshd.assumeAvailable();
        Path root = Files.createDirectories(tmp.resolve("sftp"));
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"));
             SftpTarget t = SftpTarget.open(sshd.url(root.toString()), sshd.options())) {
            new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), t));
            Mutator.change(f.dataDir(), 3, 1);
            Manifest sealed = new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), t).withCodec(zstdPgpSealed())).manifest();
            new SnapshotRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), t, "snap", null, null, 2), 2);
            // The server is on loopback: its files are ours to stat.
            assertTrue(assertPrivateTree(root.resolve("test"))[1] > 20);
            assertTrue(Files.isRegularFile(root.resolve("test").resolve(sealed.backupId()).resolve("manifest.json.gpg")));
            assertTrue(Files.isDirectory(root.resolve("test").resolve(sealed.backupId()).resolve("uploads/empty")));
            assertPrivateTree(root.resolve("snap"));
            try (TargetLock lock = t.lock("held"); BackupWriter w = t.begin("held", "20260101T000000Z")) {
                w.copy("uploads/sub/a.txt", f.dataDir().resolve(upload), Instant.now(), "rw-r--r--");
                assertPrivateTree(root.resolve("held"));
                assertTrue(Files.exists(root.resolve("held/.20260101T000000Z.partial/uploads/sub/a.txt")));
            }
        }
    }
}
