package dev.owui.backup.plan;

import dev.owui.backup.capture.CaptureEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRunnerTest {
    @TempDir
    Path tmp;

    private TargetContext context() {
        return new TargetContext(tmp, true, id -> {
            throw new AssertionError("no SSH here");
        }, id -> {
            throw new AssertionError("no credentials here");
        }, Map.of());
    }

    private PlanRunner.Request request(Fixture f, List<TargetSpec> targets, Policy retention) {
        return new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t), targets, s -> Targets.open(s, context()),
                tmp.resolve("staging"), retention, ZoneOffset.UTC, null);
    }

    private static TargetSpec local(String id, Path dir) {
        return new TargetSpec(id, dir.toString(), null, null, null, null);
    }

    @Test
    void capturesOnceAndStoresToEveryTargetWithRetentionAtEach() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        List<TargetSpec> targets = List.of(local("cloud", tmp.resolve("cloud")), local("nas", tmp.resolve("nas")));
        PlanRunner.Result last = null;
        for (int i = 0; i < 3; i++) {
            Mutator.change(f.dataDir(), 0.5, i);
            last = new PlanRunner(new RecordingLog()).run(request(f, targets, new Policy(2, 0, 0, 0, 0, 0)));
            last.throwIfFailed();
        }
        assertTrue(last.staged());
        String id = last.backup().manifest().backupId();
        for (TargetSpec t : targets) {
            LocalTarget target = TestSupport.target(Path.of(t.url()));
            List<String> ids = target.backups("test");
            assertEquals(2, ids.size(), "retention kept 2 at " + t.id());
            assertEquals(id, ids.get(1), "the same backup id at every target");
            for (VerifyResult r : new Verifier(new RecordingLog()).run(target, "test", "all")) {
                assertTrue(r.whole(), r.damages().toString());
            }
        }
        assertEquals(1, new LocalTarget(tmp.resolve("staging"), "s", false).backups("test").size(),
                "the staging directory keeps only the newest capture");
        assertEquals(1, last.targets().get(0).pruned().size());
    }

    @Test
    void oneFailingTargetDoesNotStopTheOthersAndTheRunFailsNamingIt() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "a file where the target's directory should be");
        List<TargetSpec> targets = List.of(local("broken", blocker.resolve("backups")), local("nas", tmp.resolve("nas")));
        PlanRunner.Result r = new PlanRunner(new RecordingLog()).run(request(f, targets, null));

        assertEquals(List.of("broken"), r.failed().stream().map(PlanRunner.TargetOutcome::id).toList());
        assertEquals(1, TestSupport.target(tmp.resolve("nas")).backups("test").size(), "the target after the broken one got the backup");
        OwuiException e = assertThrows(OwuiException.class, r::throwIfFailed);
        assertTrue(e.getMessage().contains("failed at 1 of 2 target(s)") && e.getMessage().contains("broken:")
                && e.getMessage().contains("stored at nas"), e.getMessage());
    }

    @Test
    void anSftpTargetLostMidCopyFailsAloneAndTheNextRunCompletesIt() throws Exception {
        Sshd.assumeAvailable();
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path remote = Files.createDirectories(tmp.resolve("remote"));
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
            TargetContext ctx = new TargetContext(tmp, true, id -> sshd.options(), id -> null, Map.of());
            List<TargetSpec> targets = List.of(new TargetSpec("nas", sshd.url(remote.toString()), null, null, null, null),
                    local("disk", tmp.resolve("disk")));
            PlanRunner.Request req = new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t), targets,
                    s -> Targets.open(s, ctx), tmp.resolve("staging"), null, ZoneOffset.UTC, null);
            AtomicInteger copied = new AtomicInteger();
            CaptureEvents killAfterFive = e -> {
                if (copied.incrementAndGet() == 5) {
                    sshd.kill(); // the NAS loses power in the middle of the copy
                }
            };
            PlanRunner.Result first = new PlanRunner(new RecordingLog()).run(req.withEvents(CaptureEvents.NONE, killAfterFive));
            assertEquals(List.of("nas"), first.failed().stream().map(PlanRunner.TargetOutcome::id).toList());
            assertTrue(first.failed().get(0).error().contains("SSH"), first.failed().get(0).error());
            assertEquals(1, TestSupport.target(tmp.resolve("disk")).backups("test").size(), "the other target got it");

            sshd.restart();
            PlanRunner.Result second = new PlanRunner(new RecordingLog()).run(req);
            second.throwIfFailed();
            try (Target nas = Targets.open(targets.get(0), ctx)) {
                assertEquals(List.of(second.backup().manifest().backupId()), nas.backups("test"),
                        "the interrupted copy never counted; the next run's backup did");
                assertEquals(List.of(), nas.incomplete("test"), "the next run removed the interrupted copy");
                for (VerifyResult r : new Verifier(new RecordingLog()).run(nas, "test", "all")) {
                    assertTrue(r.whole(), r.damages().toString());
                }
            }
        }
    }

    @Test
    void aSingleHotTargetIsWrittenDirectlyWithoutStaging() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        PlanRunner.Result r = new PlanRunner(new RecordingLog()).run(request(f, List.of(local("nas", tmp.resolve("nas"))), null));
        assertFalse(r.staged());
        assertFalse(Files.exists(tmp.resolve("staging")));
        assertEquals(List.of(r.backup().manifest().backupId()), TestSupport.target(tmp.resolve("nas")).backups("test"));
    }

    @Test
    void aFailedCaptureTriesNoTarget() throws Exception {
        Path notData = Files.createDirectories(tmp.resolve("empty"));
        List<TargetSpec> targets = List.of(local("a", tmp.resolve("a")), local("b", tmp.resolve("b")));
        PlanRunner.Request req = new PlanRunner.Request(t -> TestSupport.options(notData, t), targets, s -> Targets.open(s, context()),
                tmp.resolve("staging"), null, ZoneOffset.UTC, null);
        assertThrows(OwuiException.class, () -> new PlanRunner(new RecordingLog()).run(req));
        for (String t : List.of("a", "b")) {
            assertTrue(!Files.exists(tmp.resolve(t)) || TestSupport.target(tmp.resolve(t)).backups("test").isEmpty(), t);
        }
    }

    @Test
    void fullOverAPlanSharesNothingAtAnyTarget() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        List<TargetSpec> targets = List.of(local("cloud", tmp.resolve("cloud")), local("nas", tmp.resolve("nas")));
        new PlanRunner(new RecordingLog()).run(request(f, targets, null)).throwIfFailed();
        PlanRunner.Request full = new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t).withFull(true), targets,
                s -> Targets.open(s, context()), tmp.resolve("staging"), null, ZoneOffset.UTC, null);
        PlanRunner.Result r = new PlanRunner(new RecordingLog()).run(full);
        r.throwIfFailed();
        for (PlanRunner.TargetOutcome o : r.targets()) {
            LocalTarget target = TestSupport.target(Path.of(o.location()));
            String id = r.backup().manifest().backupId();
            assertTrue(target.manifest("test", id).files().stream().allMatch(e -> e.reusedFrom() == null), "every file sent anew to " + o.id());
        }
    }
}
