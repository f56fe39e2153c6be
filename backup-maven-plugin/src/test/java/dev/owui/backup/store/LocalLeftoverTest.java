package dev.owui.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leftover tree that cannot be removed (a part of it on a read-only mount: root ignores file
 * modes, so a mount it is) never blocks a backup: the run warns naming it and the error, and the
 * next run, once it can, removes it. The same for a pruned backup whose files cannot all go.
 */
class LocalLeftoverTest {
    @TempDir
    Path tmp;
    Path mounted;

    @AfterEach
    void unmount() throws Exception {
        unmountAllUnder(tmp);
    }

    /** Unmounts what a test left mounted under {@code dir}, wherever a rename moved it, so the temp folder can go. */
    static void unmountAllUnder(Path dir) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String point = line.split(" ")[1];
            if (point.startsWith(dir.toString() + "/")) {
                TestSupport.sh("umount", point);
            }
        }
    }

    /** Puts a read-only filesystem holding one file at {@code dir}: nothing under it can be deleted. */
    private void readOnlyPart(Path dir) throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting needs root (CI runs as root); root ignores file modes, so a read-only mount it is");
        Files.createDirectories(dir);
        TestSupport.sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
        mounted = dir;
        Files.writeString(dir.resolve("stuck.bin"), "cannot go");
        TestSupport.sh("mount", "-o", "remount,ro", dir.toString());
    }

    private void release() throws Exception {
        TestSupport.sh("umount", mounted.toString());
        mounted = null;
    }

    @Test
    void aLeftoverThatCannotBeRemovedWarnsAndTheNextRunRemovesIt() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("nas"));
        String first = TestSupport.backup(f.dataDir(), target).manifest().backupId();
        Path leftover = tmp.resolve("nas/test/" + TreeNames.partial("20200101T000000Z"));
        readOnlyPart(leftover.resolve("uploads"));

        RecordingLog log = new RecordingLog();
        BackupResult second = new BackupRunner(log).run(TestSupport.options(f.dataDir(), target));
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains("left " + leftover + " in place") && w.contains("Read-only file system")
                && w.contains("the next run tries")), "warns naming the leftover and the error: " + log.warnings);
        assertTrue(second.warnings().stream().anyMatch(w -> w.contains("left " + leftover)), second.warnings().toString());
        assertEquals(List.of(first, second.manifest().backupId()), target.backups("test"));
        assertTrue(Files.exists(leftover));

        release();
        log = new RecordingLog();
        new BackupRunner(log).run(TestSupport.options(f.dataDir(), target));
        assertTrue(log.saidAnywhere("removed " + leftover.getFileName()), log.infos.toString());
        assertFalse(Files.exists(leftover));
        assertEquals(List.of(), target.incomplete("test"));
    }

    @Test
    void aPrunedBackupWhoseFilesCannotAllGoNoLongerCountsWarnsAndIsFinishedNextRun() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("nas"));
        String old = TestSupport.backup(f.dataDir(), target).manifest().backupId();
        String kept = TestSupport.backup(f.dataDir(), target).manifest().backupId();
        readOnlyPart(tmp.resolve("nas/test/" + old + "/stuck"));

        RecordingLog log = new RecordingLog();
        Pruner.apply(target, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, log);
        Path doomed = tmp.resolve("nas/test/" + TreeNames.deleting(old));
        assertTrue(log.saidAnywhere("removed " + old), log.infos.toString());
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains("left " + doomed + " in place") && w.contains("Read-only file system")),
                log.warnings.toString());
        assertEquals(List.of(kept), target.backups("test"));
        mounted = doomed.resolve("stuck"); // the mount moved with the rename
        assertTrue(Files.exists(mounted.resolve("stuck.bin")));

        release();
        log = new RecordingLog();
        new BackupRunner(log).run(TestSupport.options(f.dataDir(), target));
        assertTrue(log.saidAnywhere("removed " + doomed.getFileName()), log.infos.toString());
        assertFalse(Files.exists(doomed));
    }
}
