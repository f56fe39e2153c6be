package dev.owui.backup.codec;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.restore.RestoreOptions;
import dev.owui.backup.restore.RestoreRunner;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.sftp.SftpTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zstd+pgp over SFTP to a real OpenSSH sshd: staged encoding, sharing by hard link on the server, verify, restore. */
class EncryptedSftpBackupTest {
    private static final String PASS = "sftp passphrase";
    @TempDir
    Path tmp;
    Sshd sshd;
    Path root;
    Fixture fixture;

    @BeforeEach
    void start() throws Exception {
        sshd = Sshd.start(tmp.resolve("sshd"));
        root = Files.createDirectories(tmp.resolve("backups"));
        fixture = OpenWebUiFixture.at(tmp.resolve("data")).build();
    }

    @AfterEach
    void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void anEncryptedCompressedBackupOverSftpSharesUnchangedFilesVerifiesAndRestores() throws Exception {
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of()));
        DecryptionKeys keys = DecryptionKeys.of(PASS.toCharArray(), null);
        try (SftpTarget t = SftpTarget.open(sshd.url(root.toString()), sshd.options())) {
            BackupOptions o = new BackupOptions(fixture.dataDir(), t, "test", null, null, 2).withCodec(codec);
            Manifest first = new BackupRunner(new RecordingLog()).run(o).manifest();
            Mutator.change(fixture.dataDir(), 5, 2);
            Manifest second = new BackupRunner(new RecordingLog()).run(o).manifest();

            List<FileEntry> shared = second.files().stream().filter(e -> first.backupId().equals(e.reusedFrom())).toList();
            assertFalse(shared.isEmpty());
            for (FileEntry e : shared) {
                assertTrue(e.storedPath().endsWith(".gpg"), e.storedPath());
                assertEquals(inode(root.resolve("test").resolve(first.backupId()).resolve(e.storedPath())),
                        inode(root.resolve("test").resolve(second.backupId()).resolve(e.storedPath())), e.path());
            }
            for (VerifyResult r : new Verifier(new RecordingLog(), keys).run(t, "test", "all")) {
                assertTrue(r.whole(), r.damages().toString());
            }
            Path into = tmp.resolve("restored");
            new RestoreRunner(new RecordingLog()).run(new RestoreOptions(t, "test", null, into, false, null, keys));
            for (FileEntry e : second.files()) {
                if (e.type().equals(FileEntry.FILE)) {
                    assertEquals(e.sha256(), sha256(into.resolve(e.path())), e.path());
                }
            }
        }
    }
}
