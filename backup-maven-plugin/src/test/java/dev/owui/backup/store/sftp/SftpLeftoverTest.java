package dev.owui.backup.store.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.TreeNames;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over SFTP as on a local disk: a leftover the server refuses to remove (part of it on a
 * read-only mount; the test's sshd logs in as root, which file modes do not stop) never blocks a
 * backup. The run warns naming it and what the server said; the next run removes it.
 */
class SftpLeftoverTest {
    @TempDir
    Path tmp;
    Sshd sshd;
    Path root;
    Fixture fixture;

    @BeforeEach
    void start() throws Exception {
        sshd = Sshd.start(tmp.resolve("sshd"));
        root = Files.createDirectories(tmp.resolve("backups"));
        fixture = OpenWebUiFixture.at(tmp.resolve("data")).uploads(5).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String point = line.split(" ")[1];
            if (point.startsWith(tmp + "/")) {
                TestSupport.sh("umount", point);
            }
        }
    }

    private SftpTarget target() {
        return SftpTarget.open(sshd.url(root.toString()), sshd.options());
    }

    private BackupResult backup(SftpTarget t, RecordingLog log) {
        return new BackupRunner(log).run(new BackupOptions(fixture.dataDir(), t, "test", null, null, 2));
    }

    private static void readOnlyPart(Path dir) throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting needs root (CI runs as root)");
        Files.createDirectories(dir);
        TestSupport.sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
        Files.writeString(dir.resolve("stuck.bin"), "cannot go");
        TestSupport.sh("mount", "-o", "remount,ro", dir.toString());
    }

    @Test
    void aLeftoverTheServerRefusesToRemoveWarnsAndTheNextRunRemovesIt() throws Exception {
        Path leftover = root.resolve("test/" + TreeNames.partial("20200101T000000Z"));
        try (SftpTarget t = target()) {
            String first = backup(t, new RecordingLog()).manifest().backupId();
            readOnlyPart(leftover.resolve("uploads"));

            RecordingLog log = new RecordingLog();
            BackupResult second = backup(t, log);
            String named = "left " + t.url().withPath(leftover.toString()) + " in place";
            assertTrue(log.warnings.stream().anyMatch(w -> w.contains(named) && w.contains("the SFTP server said")
                    && w.contains("the next run tries")), "warns naming the leftover and what the server said: " + log.warnings);
            assertTrue(second.warnings().stream().anyMatch(w -> w.contains(named)), second.warnings().toString());
            assertEquals(List.of(first, second.manifest().backupId()), t.backups("test"));
            assertTrue(Files.exists(leftover.resolve("uploads/stuck.bin")));

            TestSupport.sh("umount", leftover.resolve("uploads").toString());
            log = new RecordingLog();
            backup(t, log);
            assertTrue(log.saidAnywhere("removed " + leftover.getFileName()), log.infos.toString());
            assertFalse(Files.exists(leftover));
        }
    }

    @Test
    void aPrunedBackupWhoseFilesTheServerKeepsNoLongerCountsWarnsAndIsFinishedNextRun() throws Exception {
        try (SftpTarget t = target()) {
            String old = backup(t, new RecordingLog()).manifest().backupId();
            String kept = backup(t, new RecordingLog()).manifest().backupId();
            readOnlyPart(root.resolve("test/" + old + "/stuck"));

            RecordingLog log = new RecordingLog();
            Pruner.apply(t, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, log);
            Path doomed = root.resolve("test/" + TreeNames.deleting(old));
            assertTrue(log.warnings.stream().anyMatch(w -> w.contains("left " + t.url().withPath(doomed.toString()) + " in place")),
                    log.warnings.toString());
            assertEquals(List.of(kept), t.backups("test"));

            TestSupport.sh("umount", doomed.resolve("stuck").toString());
            log = new RecordingLog();
            backup(t, log);
            assertTrue(log.saidAnywhere("removed " + doomed.getFileName()), log.infos.toString());
            assertFalse(Files.exists(doomed));
        }
    }
}
