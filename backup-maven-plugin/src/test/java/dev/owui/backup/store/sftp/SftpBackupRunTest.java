package dev.owui.backup.store.sftp;

import dev.owui.backup.capture.CaptureEvents;
import static dev.owui.backup.TestSupport.inode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup engine end to end over SFTP to a real sshd, including the server dying or hanging mid-run. */
class SftpBackupRunTest {
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

    private SftpTarget target() {
        return SftpTarget.open(sshd.url(root.toString()), sshd.options());
    }

    private static BackupOptions options(Path dataDir, SftpTarget t) {
        return new BackupOptions(dataDir, t, "test", null, null, 2);
    }

    private static boolean allWhole(SftpTarget t) {
        List<VerifyResult> results = new Verifier(new RecordingLog()).run(t, "test", "all");
        results.forEach(r -> assertTrue(r.whole(), r.backupId() + ": " + r.damages()));
        return !results.isEmpty();
    }

    @Test
    void backsUpOverSftpSharesUnchangedFilesAsHardLinksAndVerifies() throws Exception {
        try (SftpTarget t = target()) {
            Manifest first = new BackupRunner(new RecordingLog()).run(options(fixture.dataDir(), t)).manifest();
            Mutator.change(fixture.dataDir(), 5, 2);
            Manifest second = new BackupRunner(new RecordingLog()).run(options(fixture.dataDir(), t)).manifest();

            assertEquals(List.of(first.backupId(), second.backupId()), t.backups("test"));
            List<FileEntry> shared = second.files().stream().filter(e -> first.backupId().equals(e.reusedFrom())).toList();
            assertFalse(shared.isEmpty(), "unchanged files are shared with the first backup");
            for (FileEntry e : shared) {
                Path a = root.resolve("test").resolve(first.backupId()).resolve(e.path());
                Path b = root.resolve("test").resolve(second.backupId()).resolve(e.path());
                assertEquals(inode(a), inode(b), "a real hard link on the server: " + e.path());
            }
            assertTrue(second.totals().bytesReused() > 0);
            assertTrue(allWhole(t), "every backup verifies over SFTP (SHA-256 and integrity_check)");
        }
    }

    @Test
    void sshdKilledInTheMiddleOfABackupFailsClearlyLeavesEarlierBackupsWholeAndTheNextRunSucceeds() throws Exception {
        Manifest earlier;
        try (SftpTarget t = target()) {
            earlier = new BackupRunner(new RecordingLog()).run(options(fixture.dataDir(), t)).manifest();
        }
        Mutator.change(fixture.dataDir(), 20, 3);

        AtomicInteger stored = new AtomicInteger();
        CaptureEvents killAfterFive = e -> {
            if (stored.incrementAndGet() == 5) {
                sshd.kill(); // sshd and every session process, like a server losing power
            }
        };
        try (SftpTarget t = target()) {
            long start = System.nanoTime();
            OwuiException e = assertThrows(OwuiException.class,
                    () -> new BackupRunner(new RecordingLog(), killAfterFive).run(options(fixture.dataDir(), t)));
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 60, "failed promptly");
            assertTrue(e.getMessage().contains("lost the SSH connection to " + sshd.user() + "@127.0.0.1:" + sshd.port()), e.getMessage());
            assertTrue(e.getMessage().contains("earlier backups are untouched"), e.getMessage());
        }
        assertEquals(List.of(earlier.backupId()), List.of(Files.list(root.resolve("test"))
                .map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toArray(String[]::new)),
                "no complete-looking tree besides the earlier backup");
        try (var partials = Files.list(root.resolve("test"))) {
            for (Path p : partials.filter(p -> p.getFileName().toString().endsWith(".partial")).toList()) {
                assertFalse(Files.exists(p.resolve(Manifest.FILE_NAME)), "the interrupted tree has no manifest: " + p);
            }
        }

        sshd.restart();
        try (SftpTarget t = target()) {
            assertEquals(List.of(earlier.backupId()), t.backups("test"), "only the earlier backup counts");
            RecordingLog log = new RecordingLog();
            Manifest next = new BackupRunner(log).run(options(fixture.dataDir(), t)).manifest();
            assertTrue(log.saidAnywhere("cleared the stale lock"), "the dead run's lock is cleared: " + log.warnings);
            assertEquals(List.of(earlier.backupId(), next.backupId()), t.backups("test"));
            t.removeIncomplete("test");
            assertEquals(List.of(), t.incomplete("test"));
            assertTrue(allWhole(t));
        }
    }

    @Test
    void aServerThatHangsMidBackupIsCutByTheWatchdog() throws Exception {
        CaptureEvents freezeAfterThree = new CaptureEvents() {
            final AtomicInteger n = new AtomicInteger();

            @Override
            public void stored(FileEntry e) {
                if (n.incrementAndGet() == 3) {
                    sshd.freezeSessions();
                }
            }
        };
        try (SftpTarget t = SftpTarget.open(sshd.url(root.toString()),
                sshd.options().withTimeouts(null, Duration.ofSeconds(60), Duration.ofSeconds(2)))) {
            long start = System.nanoTime();
            OwuiException e = assertThrows(OwuiException.class,
                    () -> new BackupRunner(new RecordingLog(), freezeAfterThree).run(options(fixture.dataDir(), t)));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 30, "failed after " + seconds + " s instead of hanging");
            assertTrue(e.getMessage().contains("stalled for 2 s"), e.getMessage());
        } finally {
            sshd.thawSessions();
        }
    }

    @Test
    void damageVerifyFindsIsRecordedOnTheServerAndTheNextBackupStoresItAnewInsteadOfLinkingIt() throws Exception {
        try (SftpTarget t = target()) {
            Manifest first = new BackupRunner(new RecordingLog()).run(options(fixture.dataDir(), t)).manifest();
            FileEntry victim = first.files().stream().filter(e -> e.path().startsWith("uploads/") && e.size() > 100).findFirst().orElseThrow();
            Path stored = root.resolve("test").resolve(first.backupId()).resolve(victim.path());
            java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(stored);
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(stored.toFile(), "rw")) {
                raf.seek(raf.length() / 2);
                int b = raf.read();
                raf.seek(raf.length() / 2);
                raf.write(~b);
            }
            Files.setLastModifiedTime(stored, mtime);

            assertFalse(new Verifier(new RecordingLog()).run(t, "test", null).get(0).whole());
            Path damage = root.resolve("test").resolve(dev.owui.backup.format.DamageRecord.DIR);
            List<Path> records;
            try (var s = Files.list(damage)) {
                records = s.toList();
            }
            assertEquals(1, records.size(), "written on the server over SFTP: " + records);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(records.get(0))));
            assertEquals(records.get(0).getFileName().toString(), t.damageRecords("test").keySet().iterator().next(), "read back over SFTP");
            assertEquals(List.of(first.backupId()), t.backups("test"), "damage/ is no backup");
            assertEquals(List.of(), t.incomplete("test"));
            assertEquals(List.of(), t.removeIncomplete("test").removed());

            RecordingLog log = new RecordingLog();
            Manifest second = new BackupRunner(log).run(options(fixture.dataDir(), t)).manifest();
            FileEntry again = second.files().stream().filter(e -> e.path().equals(victim.path())).findFirst().orElseThrow();
            assertEquals(null, again.reusedFrom(), "uploaded anew");
            assertFalse(inode(stored).equals(inode(root.resolve("test").resolve(second.backupId()).resolve(victim.path()))), "not a link to the damaged inode");
            assertTrue(log.infos.contains(victim.path() + ": stored anew: verify found the stored copy in " + first.backupId() + " damaged"), log.infos.toString());
            assertEquals(java.util.Map.of(), t.damageRecords("test"), "honoured by the newest backup, then removed");
            assertTrue(new Verifier(new RecordingLog()).run(t, "test", second.backupId()).get(0).whole());
        }
    }
}
