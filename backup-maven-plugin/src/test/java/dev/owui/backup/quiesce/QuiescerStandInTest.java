package dev.owui.backup.quiesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport.RecordingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop/capture/start sequence with shell scripts standing in for {@code docker compose
 * stop/start} (no Docker engine runs here): each records its step in an order file.
 */
class QuiescerStandInTest {
    @TempDir
    Path tmp;

    private Path order() {
        return tmp.resolve("order");
    }

    private Quiesce standIn(String stopLine, String startLine) {
        return new Quiesce("cold", Command.shell(stopLine), Command.shell(startLine), Duration.ofSeconds(20), tmp);
    }

    private Quiesce recording() {
        return standIn("sleep 0.2; echo stop >> order", "echo start >> order");
    }

    private List<String> steps() throws Exception {
        return Files.readAllLines(order());
    }

    private void record(String step) throws Exception {
        Files.writeString(order(), step + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void stopThenCaptureThenStartAndTheDowntimeSpansThemAll_DockerStandIn() throws Exception {
        QuiescedRun<String> r = new Quiescer(new RecordingLog()).run(recording(), () -> {
            record("capture");
            Thread.sleep(300);
            return "captured";
        });
        assertEquals(List.of("stop", "capture", "start"), steps());
        assertEquals("captured", r.value());
        assertTrue(r.stop().ok() && r.start().ok());
        assertFalse(r.startFailed());
        assertTrue(r.downtime().toMillis() >= 500, "stop (0.2 s) + capture (0.3 s) + start: " + r.downtime());
    }

    @Test
    void theStartCommandRunsAfterAFailedCaptureAndTheCaptureErrorIsKept_DockerStandIn() throws Exception {
        QuiesceException e = assertThrows(QuiesceException.class, () -> new Quiescer(new RecordingLog()).run(recording(), () -> {
            record("capture");
            throw new OwuiException("no space left writing webui.db", "free space");
        }));
        assertEquals(List.of("stop", "capture", "start"), steps());
        assertTrue(e.getMessage().startsWith("no space left writing webui.db (the start command ran: exit 0)"), e.getMessage());
        assertEquals("free space", e.remedy());
        assertTrue(e.start().ok());
        assertTrue(e.getCause() instanceof OwuiException);
    }

    @Test
    void theStartCommandRunsAfterAnUnexpectedException_DockerStandIn() throws Exception {
        assertThrows(QuiesceException.class, () -> new Quiescer(new RecordingLog()).run(recording(), () -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of("stop", "start"), steps());
    }

    @Test
    void aFailingStopAbortsWithoutCaptureAndStillRunsStart_DockerStandIn() throws Exception {
        Quiesce q = standIn("echo stop >> order; echo 'no such service: open-webui' >&2; exit 3", "echo start >> order");
        QuiesceException e = assertThrows(QuiesceException.class, () -> new Quiescer(new RecordingLog()).run(q, () -> {
            record("capture");
            return null;
        }));
        assertEquals(List.of("stop", "start"), steps(), "no capture after a failed stop");
        assertEquals(3, e.stop().exitCode());
        assertTrue(e.getMessage().contains("the stop command failed (exit 3: no such service: open-webui)"), e.getMessage());
        assertTrue(e.getMessage().contains("no backup was taken"));
    }

    @Test
    void aStopCommandPastItsTimeOutIsKilledAndCountsAsFailed_DockerStandIn() throws Exception {
        Quiesce q = standIn("echo stop >> order; sleep 30", "echo start >> order").withTimeout(Duration.ofMillis(500));
        long t0 = System.nanoTime();
        QuiesceException e = assertThrows(QuiesceException.class, () -> new Quiescer(new RecordingLog()).run(q, () -> null));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        assertTrue(e.stop().timedOut());
        assertEquals(List.of("stop", "start"), steps());
    }

    @Test
    void aFailedStartIsReportedNotThrownBecauseTheCaptureIsGood_DockerStandIn() throws Exception {
        RecordingLog log = new RecordingLog();
        QuiescedRun<String> r = new Quiescer(log).run(standIn("true", "echo 'container is restarting' >&2; exit 1"), () -> "ok");
        assertTrue(r.startFailed());
        assertEquals("ok", r.value());
        assertTrue(log.saidAnywhere("the start command failed (exit 1: container is restarting)"));
    }

    @Test
    void theStartCommandRunsWhenTheBackupJvmIsTerminatedMidCapture_DockerStandIn() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), QuiescedChildMain.class.getName(),
                order().toString(), "echo stop >> '" + order() + "'", "echo start >> '" + order() + "'")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(order()) && steps().contains("capture-begun"))) {
                assertTrue(System.nanoTime() < deadline, "the child never began its capture: " + Files.readString(tmp.resolve("child.log")));
                Thread.sleep(50);
            }
            p.destroy(); // SIGTERM, as systemd or `kill` would send
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of("stop", "capture-begun", "start"), steps(), Files.readString(tmp.resolve("child.log")));
        assertTrue(Files.readString(tmp.resolve("child.log")).contains("interrupted during a cold backup: ran the start command (exit 0)"));
    }
}
