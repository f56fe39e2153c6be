package dev.owui.backup.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backup JVM killed with SIGKILL mid-run: earlier backups stay whole, the next run succeeds. */
class KilledBackupTest {
    @TempDir
    Path tmp;

    @Test
    void killingTheJvmMidBackupLosesNothingAndTheNextRunCompletes() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path root = tmp.resolve("backups");
        LocalTarget target = TestSupport.target(root);
        Manifest earlier = TestSupport.backup(f.dataDir(), target).manifest();
        Mutator.change(f.dataDir(), 5, 3);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KilledBackupMain.class.getName(),
                f.dataDir().toString(), root.toString()).redirectErrorStream(true).start();
        int stored = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && stored < 8) {
                assertFalse(line.equals("done"), "the child finished before it could be killed");
                if (line.startsWith("stored ")) {
                    stored++;
                }
            }
            child.destroyForcibly(); // SIGKILL: no finally blocks, no shutdown hooks
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(8, stored, "killed in the middle of storing files");

        assertEquals(List.of(earlier.backupId()), target.backups("test"), "only the earlier backup counts");
        assertEquals(1, target.incomplete("test").size(), "the killed run left an incomplete tree, which is not a backup");
        assertTrue(Files.exists(root.resolve("test/.lock")), "and its lock");
        VerifyResult before = new Verifier(new RecordingLog()).run(target, "test", earlier.backupId()).get(0);
        assertTrue(before.whole(), before.damages().toString());

        RecordingLog log = new RecordingLog();
        Manifest next = new BackupRunner(log).run(TestSupport.options(f.dataDir(), target)).manifest();
        assertTrue(log.saidAnywhere("cleared the stale lock"), log.warnings.toString());
        assertTrue(log.saidAnywhere("left by an interrupted run"), log.infos.toString());
        assertEquals(List.of(earlier.backupId(), next.backupId()), target.backups("test"));
        assertTrue(target.incomplete("test").isEmpty());
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", "all").stream().allMatch(VerifyResult::whole));
    }
}
