package dev.owui.backup.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and bad targets: one clear line each, a failed run, and nothing lost or half-made. */
class BackupFailureTest {
    @TempDir
    Path tmp;

    private OwuiException backupFails(Path dataDir, LocalTarget target) {
        return assertThrows(OwuiException.class, () -> TestSupport.backup(dataDir, target));
    }

    @Test
    void aMissingDataDirectoryIsNamedWithWhereToFindIt() {
        OwuiException e = backupFails(tmp.resolve("nope"), TestSupport.target(tmp.resolve("b")));
        assertTrue(e.getMessage().contains("nope does not exist"), e.getMessage());
        assertTrue(e.remedy().contains("docker volume inspect"), e.remedy());
        assertFalse(Files.exists(tmp.resolve("b")), "nothing is created at the target");
    }

    @Test
    void anEmptyDirectoryOrOneWithoutWebuiDbIsNotAnInstance() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        assertTrue(backupFails(tmp.resolve("empty"), TestSupport.target(tmp.resolve("b"))).getMessage().contains("is empty"));
        Files.createDirectories(tmp.resolve("other/uploads"));
        Files.writeString(tmp.resolve("other/notes.txt"), "x");
        assertTrue(backupFails(tmp.resolve("other"), TestSupport.target(tmp.resolve("b"))).getMessage()
                .contains("not an Open WebUI data directory"));
    }

    @Test
    void aWebuiDbThatIsNotSqliteIsRefused() throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/webui.db"), "<html>not a database</html>");
        assertTrue(backupFails(tmp.resolve("d"), TestSupport.target(tmp.resolve("b"))).getMessage().contains("is not an SQLite database"));
    }

    @Test
    void aDamagedDatabaseFailsTheRunAndLeavesEarlierBackupsWhole() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        Manifest good = TestSupport.backup(f.dataDir(), target).manifest();
        corruptPages(f.webuiDb());
        OwuiException e = backupFails(f.dataDir(), target);
        assertTrue(e.getMessage().contains("webui.db"), e.getMessage());
        assertTrue(e.getMessage().contains("quick_check") || e.getMessage().contains("malformed"), e.getMessage());
        assertEquals(List.of(good.backupId()), target.backups("test"));
        assertTrue(target.incomplete("test").isEmpty(), "the failed run's tree is removed");
        assertTrue(new Verifier(new TestSupport.RecordingLog()).run(target, "test", null).get(0).whole());
    }

    @Test
    void aFullTargetFailsWithTheRemedyAndTheEarlierBackupStaysWhole() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a small tmpfs needs root (CI runs as root)");
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path mnt = Files.createDirectories(tmp.resolve("small"));
        long room = (f.totalBytes() * 3) / 2 + 256 * 1024; // one backup fits, a second after a big upload does not
        TestSupport.sh("mount", "-t", "tmpfs", "-o", "size=" + room, "tmpfs", mnt.toString());
        try {
            LocalTarget target = TestSupport.target(mnt);
            Manifest first = TestSupport.backup(f.dataDir(), target).manifest();
            Files.write(f.dataDir().resolve("uploads/big-upload.bin"), new byte[(int) room]);
            OwuiException e = backupFails(f.dataDir(), target);
            assertTrue(e.getMessage().contains("is full") || e.getMessage().contains("no space left"), e.getMessage());
            assertTrue(e.remedy().contains("earlier backups are untouched"), e.remedy());
            assertEquals(List.of(first.backupId()), target.backups("test"));
            try (Stream<Path> s = Files.list(mnt.resolve("test"))) {
                assertEquals(List.of(first.backupId()), s.map(p -> p.getFileName().toString()).toList(), "no partial tree, no lock");
            }
            assertTrue(new Verifier(new TestSupport.RecordingLog()).run(target, "test", null).get(0).whole());
        } finally {
            TestSupport.sh("umount", mnt.toString());
        }
    }

    @Test
    void aReadOnlyTargetIsNamed() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting needs root (CI runs as root); root ignores file modes, so a read-only mount it is");
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path mnt = Files.createDirectories(tmp.resolve("ro"));
        TestSupport.sh("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", mnt.toString());
        try {
            OwuiException e = backupFails(f.dataDir(), TestSupport.target(mnt));
            assertTrue(e.getMessage().contains("read-only") || e.getMessage().contains("not writable"), e.getMessage());
        } finally {
            TestSupport.sh("umount", mnt.toString());
        }
    }

    @Test
    void aTargetPathThroughAFileIsNamed() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.writeString(tmp.resolve("file"), "x");
        OwuiException e = backupFails(f.dataDir(), TestSupport.target(tmp.resolve("file/backups")));
        assertTrue(e.getMessage().contains("a file is in the way"), e.getMessage());
    }

    @Test
    void aTargetInsideTheDataDirectoryIsRefused() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        OwuiException e = backupFails(f.dataDir(), TestSupport.target(f.dataDir().resolve("backups")));
        assertTrue(e.getMessage().contains("is inside the data directory"), e.getMessage());
        assertFalse(Files.exists(f.dataDir().resolve("backups")));
    }

    @Test
    void aLockHeldByAnotherRunStopsTheSecondRunWithoutTouchingAnything() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        try (var held = target.lock("test")) {
            OwuiException e = backupFails(f.dataDir(), target);
            assertTrue(e.getMessage().contains("another owui run holds the lock"), e.getMessage());
        }
        assertTrue(target.backups("test").isEmpty());
    }

    @Test
    void badInstanceNamesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        OwuiException e = assertThrows(OwuiException.class, () -> new BackupRunner(new TestSupport.RecordingLog())
                .run(new BackupOptions(f.dataDir(), target, "../escape", null, null, 1)));
        assertTrue(e.getMessage().contains("not usable as a folder name"));
        assertFalse(Files.exists(tmp.resolve("b")));
    }

    /** Overwrites the start of every b-tree page after the first, as a failing disk would. */
    static void corruptPages(Path db) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            for (long off = 4096; off < f.length(); off += 4096) {
                f.seek(off);
                f.write(new byte[64]);
            }
        }
    }
}
