package dev.owui.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.config.BackupConfig;
import dev.owui.backup.config.CaptureConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.SnapshotConfig;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Notifier;
import dev.owui.backup.notify.Report;
import dev.owui.backup.notify.When;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:backup and owui:snapshot driven through the facade, without Maven: a plan whose first
 * target cannot be written still backs up to the second, and the result (as data) and the
 * notification both say which target failed; a snapshot reports its run the same way.
 */
class OwuiBackupTest {
    @TempDir
    Path tmp;

    private final List<Report> sent = new ArrayList<>();
    private final TestSupport.RecordingLog log = new TestSupport.RecordingLog();

    private Owui owui(PlanBook book) {
        TargetContext targets = new TargetContext(tmp, true, id -> {
            throw new AssertionError("no SSH here");
        }, id -> {
            throw new AssertionError("no credentials here");
        }, Map.of());
        RunContext ctx = new RunContext("test", targets, book::target, book,
                ZoneOffset.UTC, DecryptionKeys::none, tmp.resolve("cache"), log);
        Notifier recorder = new Notifier() {
            public String name() {
                return "recorder";
            }

            public When when() {
                return When.ALWAYS;
            }

            public void send(Report r) {
                sent.add(r);
            }
        };
        return new Owui(ctx, new Notifications(List.of(recorder), log));
    }

    private static CaptureConfig capture(Fixture f, Path staging) {
        return new CaptureConfig(f.dataDir(), null, null, 2, CodecSettings.plain(), CodecSettings.plain(), false, null, null,
                FormatChoice.parse("auto"), staging, null);
    }

    @Test
    void aTargetThatCannotBeWrittenDoesNotStopTheOtherAndTheResultAndTheNotificationNameIt() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.writeString(tmp.resolve("file"), "not a directory");
        TargetSpec bad = new TargetSpec("bad", tmp.resolve("file/nas").toString(), null, null, null, null);
        TargetSpec nas = new TargetSpec("nas", tmp.resolve("nas").toString(), null, null, null, null);
        PlanBook book = new PlanBook(List.of(bad, nas), List.of(new Plan("daily", List.of("bad", "nas"), null, null, null, null)));

        BackupOutcome o = owui(book).backup(new BackupConfig(capture(f, tmp.resolve("staging")), "daily", null));

        assertEquals(List.of("bad", "nas"), o.targets().stream().map(TargetSpec::id).toList());
        assertEquals("hot", o.mode());
        assertNotNull(o.staged(), "two targets: captured once, then stored to each");
        List<PlanRunner.TargetOutcome> each = o.staged().targets();
        assertEquals(List.of("bad", "nas"), each.stream().map(PlanRunner.TargetOutcome::id).toList());
        assertFalse(each.get(0).ok());
        assertNotNull(each.get(0).error());
        assertTrue(each.get(1).ok(), each.get(1).toString());
        assertEquals(3, each.get(1).format(), "a new target gets format 3");
        String id = o.staged().backup().manifest().backupId();
        assertTrue(Files.exists(tmp.resolve("nas/test/backups/" + id + ".json")), "the other target has the backup");
        assertTrue(log.warnings.stream().anyMatch(w -> w.startsWith("target bad: ")), log.warnings.toString());

        assertTrue(o.failed());
        OwuiException e = assertThrows(OwuiException.class, o::throwIfFailed);
        assertTrue(e.getMessage().contains("failed at 1 of 2 target(s) (bad: ") && e.getMessage().contains("stored at nas"), e.getMessage());
        assertEquals(1, sent.size());
        Report r = sent.get(0);
        assertFalse(r.succeeded());
        assertEquals(e.getMessage(), r.error());
        assertEquals("daily", r.plan());
        assertEquals(List.of(bad.url(), nas.url()), r.targets());
        assertNull(r.backupId());
    }

    @Test
    void aSnapshotIsNotifiedAsASnapshotAndOneThatCannotBeWrittenAsAFailure() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Owui owui = owui(new PlanBook(List.of(), List.of()));

        SnapshotOutcome o = owui.snapshot(new SnapshotConfig(capture(f, null), tmp.resolve("snaps").toString(), 3));
        assertFalse(o.failed());
        assertEquals(1, sent.size());
        Report ok = sent.get(0);
        assertTrue(ok.succeeded());
        assertEquals("snapshot", ok.mode());
        assertEquals(o.made().backupId(), ok.backupId());
        assertTrue(ok.files() > 0, ok.toString());
        assertEquals(List.of(tmp.resolve("snaps").toString()), ok.targets());

        Files.writeString(tmp.resolve("file"), "not a directory");
        String unwritable = tmp.resolve("file/snaps").toString();
        OwuiException e = assertThrows(OwuiException.class, () -> owui.snapshot(new SnapshotConfig(capture(f, null), unwritable, 3)));
        assertEquals(2, sent.size());
        Report failed = sent.get(1);
        assertFalse(failed.succeeded());
        assertEquals("snapshot", failed.mode());
        assertEquals(e.getMessage(), failed.error());
        assertEquals(List.of(unwritable), failed.targets());
    }
}
