package dev.owui.backup.quiesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold and paused backups of an instance that is really writing: {@link StackStandIn}, a separate
 * JVM, stands in for the Open WebUI container. The stop command really stops it (SIGTERM, and
 * waits until it is gone; or SIGSTOP for paused) and the start command really starts (or
 * continues) it.
 */
class ColdBackupStandInTest {
    @TempDir
    Path tmp;
    Path pidFile;
    Path committed;

    @AfterEach
    void killStandIn() throws Exception {
        if (pidFile != null && Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(h -> {
                h.destroyForcibly();
            });
            TestSupport.sh("sh", "-c", "kill -CONT " + Files.readString(pidFile).strip() + " 2>/dev/null; true");
        }
    }

    private String launchLine(Fixture f) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "nohup '" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + StackStandIn.class.getName()
                + " '" + f.dataDir() + "' '" + committed + "' '" + pidFile + "' > '" + tmp.resolve("standin.log") + "' 2>&1 &";
    }

    private long pid() throws Exception {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** The stand-in's pid, or 0 while a starting stand-in is still writing its pid file (read between truncate and write). */
    private long pidOrZero() throws Exception {
        String s = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private void startStandIn(Fixture f) throws Exception {
        TestSupport.sh("sh", "-c", launchLine(f));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(committed) || Files.readAllLines(committed).size() < 50) {
            assertTrue(System.nanoTime() < deadline, "the stand-in never wrote: " + (Files.exists(tmp.resolve("standin.log")) ? Files.readString(tmp.resolve("standin.log")) : ""));
            Thread.sleep(50);
        }
    }

    private Fixture fixture() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        pidFile = tmp.resolve("standin.pid");
        committed = tmp.resolve("committed.log");
        return f;
    }

    @Test
    void aColdBackupOfAStoppedInstanceHoldsItsWalCommitsAndEveryUploadItsRowsName_DockerStandIn() throws Exception {
        Fixture f = fixture();
        startStandIn(f);
        long firstPid = pid();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        // docker compose stop sends SIGTERM and waits; docker compose start launches the service again.
        Quiesce cold = new Quiesce("cold",
                Command.shell("kill -TERM $(cat '" + pidFile + "'); while kill -0 $(cat '" + pidFile + "') 2>/dev/null; do sleep 0.05; done"),
                Command.shell(launchLine(f)), Duration.ofSeconds(30), tmp);
        long[] lastCommitted = new long[1];
        long[] walBytes = new long[1];
        QuiescedRun<Manifest> r = new Quiescer(new RecordingLog()).run(cold, () -> {
            assertTrue(ProcessHandle.of(firstPid).isEmpty(), "the stop command stopped the stand-in");
            List<String> lines = Files.readAllLines(committed);
            lastCommitted[0] = Long.parseLong(lines.get(lines.size() - 1));
            walBytes[0] = Files.size(f.dataDir().resolve("webui.db-wal"));
            return new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target).withMode(BackupOptions.Mode.COLD)).manifest();
        });
        Manifest m = r.value();
        assertEquals("cold", m.mode());
        assertTrue(walBytes[0] > 0, "the stopped instance left commits in webui.db-wal");

        Path dir = target.root().resolve("test").resolve(m.backupId());
        Path db = dir.resolve("webui.db");
        assertEquals(List.of(), SqliteCapture.integrityCheck(db));
        assertTrue(m.files().stream().noneMatch(e -> e.path().endsWith("-wal") || e.path().endsWith("-shm")), "a self-contained database");
        // Every committed row is in the backup, including those that lived only in the WAL …
        long rows = TestSupport.queryLong(db, "SELECT count(*) FROM file WHERE user_id = 'standin'");
        assertTrue(rows >= lastCommitted[0], rows + " rows, " + lastCommitted[0] + " committed before the stop");
        // … and every row names an upload that is in the backup: database and files agree.
        Set<String> standinMissing = m.openWebUi().rowsWithoutFile().stream().filter(p -> p.contains(StackStandIn.PREFIX)).collect(Collectors.toSet());
        assertEquals(Set.of(), standinMissing);
        long uploads = m.files().stream().filter(e -> e.path().contains(StackStandIn.PREFIX)).count();
        assertTrue(uploads >= rows);

        assertTrue(r.start().ok());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long p;
        while ((p = pidOrZero()) == firstPid || p == 0 || Files.readAllLines(committed).size() <= lastCommitted[0]) {
            assertTrue(System.nanoTime() < deadline, "the start command started the stand-in again");
            Thread.sleep(50);
        }
        assertTrue(r.downtime().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void aPausedBackupOfAFrozenInstanceIsConsistentAndTheInstanceContinues_DockerStandIn() throws Exception {
        Fixture f = fixture();
        startStandIn(f);
        long pid = pid();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        // docker pause freezes the container's processes (cgroup freezer); SIGSTOP is the same for one process.
        Quiesce paused = new Quiesce("paused", Command.of("kill", "-STOP", Long.toString(pid)), Command.of("kill", "-CONT", Long.toString(pid)),
                Duration.ofSeconds(10), tmp);
        QuiescedRun<Manifest> r = new Quiescer(new RecordingLog()).run(paused,
                () -> new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target).withMode(BackupOptions.Mode.PAUSED)).manifest());
        Manifest m = r.value();
        assertEquals("paused", m.mode());
        Path db = target.root().resolve("test").resolve(m.backupId()).resolve("webui.db");
        assertEquals(List.of(), SqliteCapture.integrityCheck(db));
        assertTrue(m.openWebUi().rowsWithoutFile().stream().noneMatch(p -> p.contains(StackStandIn.PREFIX)));
        long before = Files.readAllLines(committed).size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.readAllLines(committed).size() <= before) {
            assertTrue(System.nanoTime() < deadline, "the stand-in goes on writing after kill -CONT");
            Thread.sleep(50);
        }
        assertTrue(m.files().stream().anyMatch(e -> e.type().equals(FileEntry.SQLITE) && e.path().equals("vector_db/chroma.sqlite3")));
    }
}
