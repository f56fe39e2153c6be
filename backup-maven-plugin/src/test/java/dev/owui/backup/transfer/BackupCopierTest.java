package dev.owui.backup.transfer;

import dev.owui.backup.capture.CaptureEvents;
import static dev.owui.backup.TestSupport.inode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.sftp.SftpTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCopierTest {
    @TempDir
    Path tmp;

    private static void assertWhole(dev.owui.backup.store.Target t) {
        for (VerifyResult r : new Verifier(new RecordingLog()).run(t, "test", "all")) {
            assertTrue(r.whole(), r.damages().toString());
        }
    }

    @Test
    void folderEntriesAndEmptyFoldersTravelAndTheCopyIsPrivate() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.createDirectories(f.dataDir().resolve("uploads/empty"));
        Files.setPosixFilePermissions(f.dataDir().resolve("uploads/empty"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        LocalTarget source = TestSupport.target(tmp.resolve("cloud"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        Manifest m = TestSupport.backup(f.dataDir(), source).manifest();
        assertTrue(m.directoriesOrEmpty().stream().anyMatch(d -> d.path().equals("uploads/empty") && d.mode().equals("rwxr-x---")));

        BackupCopier.Copied c = new BackupCopier(new RecordingLog(), 4).copy(source, nas, "test", List.of(m.backupId())).get(0);
        Manifest there = nas.manifest("test", m.backupId());
        assertEquals(m.directories(), there.directories(), "folder entries pass through unchanged");
        assertEquals(m.totals().files(), there.totals().files(), "folders are not counted as files");
        assertEquals(m.files().size(), c.files());
        assertTrue(Files.isDirectory(nas.root().resolve("test").resolve(m.backupId()).resolve("uploads/empty")));
        TestSupport.assertPrivateTree(nas.root().resolve("test"));
        assertWhole(nas);
    }

    @Test
    void copiesEveryBackupOnceAndSharesWhatTheDestinationAlreadyHolds() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget source = TestSupport.target(tmp.resolve("cloud"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        Manifest first = TestSupport.backup(f.dataDir(), source).manifest();
        Mutator.Change change = Mutator.change(f.dataDir(), 1.0, 7);
        Manifest second = TestSupport.backup(f.dataDir(), source).manifest();

        List<BackupCopier.Copied> copied = new BackupCopier(new RecordingLog(), 4).copy(source, nas, "test", source.backups("test"));
        assertEquals(List.of(first.backupId(), second.backupId()), nas.backups("test"));
        assertWhole(nas);

        // The second copy sent only what differs from the first at the destination: the changed
        // files and the databases; every other file is a hard link there.
        BackupCopier.Copied c2 = copied.get(1);
        Set<String> unchanged = second.files().stream().filter(e -> e.reusedFrom() != null && e.hasContent())
                .map(FileEntry::path).collect(Collectors.toSet());
        long changedBytes = second.totals().bytesWritten();
        assertEquals(changedBytes, c2.bytesSent(), "sent exactly what the source's own incremental backup wrote");
        assertTrue(c2.bytesShared() > 0);
        String upload = f.uploads().stream().filter(unchanged::contains).findFirst().orElseThrow();
        Path a = nas.root().resolve("test").resolve(first.backupId()).resolve(upload);
        Path b = nas.root().resolve("test").resolve(second.backupId()).resolve(upload);
        assertEquals(inode(a), inode(b), "an unchanged upload is one file at the destination");
        for (String added : change.addedFiles()) {
            assertTrue(Files.exists(nas.root().resolve("test").resolve(second.backupId()).resolve(added)), added);
        }

        // Running the copy again sends nothing and changes nothing.
        List<BackupCopier.Copied> again = new BackupCopier(new RecordingLog(), 4).copy(source, nas, "test", source.backups("test"));
        assertTrue(again.stream().allMatch(BackupCopier.Copied::skipped));
        assertEquals(2, nas.backups("test").size());
    }

    @Test
    void aStoredFileThatNoLongerMatchesItsManifestFailsTheCopyAndLeavesNothingAtTheDestination() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget source = TestSupport.target(tmp.resolve("cloud"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        Manifest m = TestSupport.backup(f.dataDir(), source).manifest();
        String upload = m.files().stream().filter(e -> e.path().startsWith("uploads/") && e.size() > 10).findFirst().orElseThrow().path();
        Path stored = source.root().resolve("test").resolve(m.backupId()).resolve(upload);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 1; // bit rot at the source
        Files.write(stored, bytes);

        OwuiException e = assertThrows(OwuiException.class,
                () -> new BackupCopier(new RecordingLog(), 2).copy(source, nas, "test", List.of(m.backupId())));
        assertTrue(e.getMessage().contains(upload) && e.getMessage().contains("does not match its manifest"), e.getMessage());
        assertEquals(List.of(), nas.backups("test"));
        assertEquals(List.of(), nas.incomplete("test"), "the partial copy was removed");
    }

    @Test
    void encryptedBackupsTravelAsStoredAndAnEncryptedManifestNeedsTheKey() throws Exception {
        String pass = "copy me, don't read me";
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(pass.toCharArray(), List.of())).withEncryptedManifest();
        DecryptionKeys keys = DecryptionKeys.of(pass.toCharArray(), null);
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget source = TestSupport.target(tmp.resolve("cloud"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), source).withCodec(codec));
        Mutator.change(f.dataDir(), 1.0, 3);
        new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), source).withCodec(codec));

        OwuiException noKey = assertThrows(OwuiException.class,
                () -> new BackupCopier(new RecordingLog(), 2).copy(source, nas, "test", source.backups("test")));
        assertTrue(noKey.getMessage().contains("is encrypted"), noKey.getMessage());
        assertEquals(List.of(), nas.backups("test"));

        List<BackupCopier.Copied> copied = new BackupCopier(new RecordingLog(), 2, CaptureEvents.NONE, keys)
                .copy(source, nas, "test", source.backups("test"));
        assertEquals(source.backups("test"), nas.backups("test"));
        assertTrue(copied.get(1).bytesShared() > 0, "the second shares encrypted files with the first at the destination");
        for (VerifyResult r : new Verifier(new RecordingLog(), keys).run(nas, "test", "all")) {
            assertTrue(r.whole(), r.damages().toString());
        }
        // Stored bytes are the source's, byte for byte: nothing was decrypted and sealed again.
        String id = source.backups("test").get(1);
        Path stored = Files.walk(source.root().resolve("test").resolve(id)).filter(p -> p.toString().endsWith(".zst.gpg")).findFirst().orElseThrow();
        Path there = nas.root().resolve("test").resolve(id).resolve(source.root().resolve("test").resolve(id).relativize(stored));
        assertEquals(TestSupport.sha256(stored), TestSupport.sha256(there));
        assertFalse(Files.readString(nas.root().resolve("test").resolve(id).resolve("manifest.json")).contains("uploads/"),
                "the copy's manifest.json names no upload either");
    }

    @Test
    void pullsFromAnSftpTargetAndPushesToOne() throws Exception {
        Sshd.assumeAvailable();
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget local = TestSupport.target(tmp.resolve("local"));
        Manifest m = TestSupport.backup(f.dataDir(), local).manifest();
        Path remoteRoot = Files.createDirectories(tmp.resolve("remote"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"));
             SftpTarget remote = SftpTarget.open(sshd.url(remoteRoot.toString()), sshd.options())) {
            new BackupCopier(new RecordingLog(), 2).copy(local, remote, "test", List.of(m.backupId()));
            assertWhole(remote);
            new BackupCopier(new RecordingLog(), 2).copy(remote, nas, "test", remote.backups("test"));
        }
        assertWhole(nas);
        for (String upload : f.uploads()) {
            assertEquals(TestSupport.sha256(f.dataDir().resolve(upload)),
                    TestSupport.sha256(nas.root().resolve("test").resolve(m.backupId()).resolve(upload)), upload);
        }
    }

    @Test
    void aCopyNeverSharesWhatVerifyFoundDamagedAtTheDestination() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget source = TestSupport.target(tmp.resolve("cloud"));
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        Manifest first = TestSupport.backup(f.dataDir(), source).manifest();
        new BackupCopier(new RecordingLog(), 2).copy(source, nas, "test", List.of(first.backupId()));
        Manifest second = TestSupport.backup(f.dataDir(), source).manifest();
        String upload = first.files().stream().filter(e -> e.path().startsWith("uploads/") && e.size() > 100).findFirst().orElseThrow().path();
        Path damaged = nas.root().resolve("test").resolve(first.backupId()).resolve(upload);
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(damaged);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 1;
        Files.write(damaged, bytes);
        Files.setLastModifiedTime(damaged, mtime);
        assertFalse(new Verifier(new RecordingLog()).run(nas, "test", null).get(0).whole());
        assertEquals(1, nas.damageRecords("test").size());

        RecordingLog log = new RecordingLog();
        new BackupCopier(log, 2).copy(source, nas, "test", List.of(second.backupId()));
        Path copy = nas.root().resolve("test").resolve(second.backupId()).resolve(upload);
        FileEntry e = nas.manifest("test", second.backupId()).files().stream().filter(x -> x.path().equals(upload)).findFirst().orElseThrow();
        assertEquals(null, e.reusedFrom(), "sent anew");
        assertFalse(inode(damaged).equals(inode(copy)), "not linked to the damaged copy");
        assertTrue(log.saidAnywhere(upload + ": sent anew: verify found the stored copy in " + first.backupId()), log.infos.toString());
        assertEquals(java.util.Map.of(), nas.damageRecords("test"), "the newest backup there honoured the record");
        assertTrue(new Verifier(new RecordingLog()).run(nas, "test", second.backupId()).get(0).whole());
    }
}
