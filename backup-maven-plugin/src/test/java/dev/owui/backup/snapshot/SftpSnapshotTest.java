package dev.owui.backup.snapshot;

import static dev.owui.backup.TestSupport.inode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.sftp.SftpTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots over SFTP to a real OpenSSH sshd: server-side hard links and rotation. */
class SftpSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void snapshotsOverSftpShareInodesOnTheServerAndRotate() throws Exception {
        Sshd.assumeAvailable();
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path root = Files.createDirectories(tmp.resolve("snapshots"));
        String upload = f.uploads().get(1);
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"));
             SftpTarget t = SftpTarget.open(sshd.url(root.toString()), sshd.options())) {
            List<Manifest> made = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                made.add(new SnapshotRunner(new RecordingLog())
                        .run(new BackupOptions(f.dataDir(), t, "test", null, null, 2), 2).snapshot().manifest());
            }
            assertEquals(List.of(made.get(1).backupId(), made.get(2).backupId()), t.backups("test"), "the oldest was rotated away");
            // The server is on loopback, so its paths are ours to stat: one inode, hard-linked on the server.
            Path a = root.resolve("test").resolve(made.get(1).backupId()).resolve(upload);
            Path b = root.resolve("test").resolve(made.get(2).backupId()).resolve(upload);
            assertEquals(inode(a), inode(b));
            assertEquals(2, (int) Files.getAttribute(b, "unix:nlink"), "linked by the two kept snapshots only");
            for (VerifyResult r : new Verifier(new RecordingLog()).run(t, "test", "all")) {
                assertTrue(r.whole(), r.damages().toString());
            }
        }
    }
}
