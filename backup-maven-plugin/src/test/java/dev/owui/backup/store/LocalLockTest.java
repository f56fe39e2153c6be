package dev.owui.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLockAndMayRunAfterwards() {
        Path file = dir.resolve(".lock");
        try (LocalLock first = LocalLock.acquire(file)) {
            assertNull(first.clearedStale());
            OwuiException e = assertThrows(OwuiException.class, () -> LocalLock.acquire(file));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("rm '" + file + "'"), e.getMessage());
        }
        assertFalse(Files.exists(file));
        LocalLock.acquire(file).close();
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsClearedAndReported() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path file = dir.resolve(".lock");
        Files.write(file, new LockInfo(LockInfo.hostName(), p.pid(), null, Instant.now().toString(), "owui-backup").toJson());
        try (LocalLock lock = LocalLock.acquire(file)) {
            assertNotNull(lock.clearedStale());
            assertTrue(lock.clearedStale().contains("pid " + p.pid()));
        }
    }

    @Test
    void aLockFromAnotherHostIsNeverBroken() throws Exception {
        Path file = dir.resolve(".lock");
        byte[] foreign = new LockInfo("nas-backup-runner", 1, null, "2026-11-25T03:00:00Z", "owui-backup").toJson();
        Files.write(file, foreign);
        OwuiException e = assertThrows(OwuiException.class, () -> LocalLock.acquire(file));
        assertTrue(e.getMessage().contains("nas-backup-runner"), e.getMessage());
        assertEquals(new String(foreign), Files.readString(file), "left exactly as it was");
    }

    @Test
    void aPidReusedByANewerProcessDoesNotKeepAStaleLockAlive() throws Exception {
        // Our own pid, but recorded with a start time that is not ours: the holder is gone.
        Path file = dir.resolve(".lock");
        Files.write(file, new LockInfo(LockInfo.hostName(), ProcessHandle.current().pid(), "2001-01-01T00:00:00Z",
                "2001-01-01T00:00:00Z", "owui-backup").toJson());
        try (LocalLock lock = LocalLock.acquire(file)) {
            assertNotNull(lock.clearedStale());
        }
    }

    @Test
    void aDamagedLockIsReportedWithTheCommandToClearIt() throws Exception {
        Path file = dir.resolve(".lock");
        Files.writeString(file, "{ half a lock");
        OwuiException e = assertThrows(OwuiException.class, () -> LocalLock.acquire(file));
        assertTrue(e.getMessage().contains("rm '" + file + "'"), e.getMessage());
    }
}
