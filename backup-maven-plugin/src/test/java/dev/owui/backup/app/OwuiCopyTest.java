package dev.owui.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.config.CopyConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Notifier;
import dev.owui.backup.notify.Report;
import dev.owui.backup.notify.When;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.render.CopyRender;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:copy driven through the facade, without Maven: a copy plan whose first destination cannot
 * be written still copies to the second and applies its retention there, and the result says both,
 * as the console table, the JSON report's section and the notification.
 */
class OwuiCopyTest {
    @TempDir
    Path tmp;

    @Test
    void aFailingDestinationDoesNotStopTheNextAndTheResultSaysBoth() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("cloud")));
        dev.owui.backup.testkit.Mutator.change(f.dataDir(), 2, 5);
        Thread.sleep(1100);
        TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("cloud")));
        List<String> ids = TestSupport.target(tmp.resolve("cloud")).backups("test");
        Files.writeString(tmp.resolve("file"), "not a directory");
        TargetSpec cloud = new TargetSpec("cloud", tmp.resolve("cloud").toString(), null, null, null, null);
        TargetSpec bad = new TargetSpec("bad", tmp.resolve("file/nas").toString(), null, null, null, null);
        TargetSpec nas = new TargetSpec("nas", tmp.resolve("nas").toString(), null, null, null, null);
        PlanBook book = new PlanBook(List.of(cloud, bad, nas), List.of(new Plan("weekly", List.of("bad", "nas"), null, Policy.keepLast(1), null, "cloud")));
        TestSupport.RecordingLog log = new TestSupport.RecordingLog();
        TargetContext targets = new TargetContext(tmp, true, id -> {
            throw new AssertionError("no SSH here");
        }, id -> {
            throw new AssertionError("no credentials here");
        }, Map.of());
        RunContext ctx = new RunContext("test", targets, book::target, book, ZoneOffset.UTC, DecryptionKeys::none, tmp.resolve("cache"), log);
        List<Report> sent = new ArrayList<>();
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

        CopyResult r = new Owui(ctx, new Notifications(List.of(recorder), log)).copy(CopyConfig.of(null, null, "weekly", "all", "2", 2, () -> {
            throw new AssertionError("toFormat=2 asks for no write settings");
        }, false));

        assertEquals(List.of("bad", "nas"), r.destinations().stream().map(d -> d.target().id()).toList());
        assertFalse(r.destinations().get(0).ok());
        assertTrue(r.destinations().get(1).ok());
        assertEquals(ids, r.destinations().get(1).copied().stream().map(c -> c.backupId()).toList(), "both copied to the second");
        assertEquals(List.of(ids.get(1)), TestSupport.target(tmp.resolve("nas")).backups("test"), "then its retention kept the last one");
        assertEquals(1, r.destinations().get(1).retention().removed());
        assertTrue(log.warnings.stream().anyMatch(w -> w.startsWith("destination bad: ")), log.warnings.toString());

        JsonReport report = new JsonReport("copy", Instant.now());
        CopyRender.render(r, log, report);
        assertTrue(log.infos.stream().anyMatch(l -> l.startsWith("bad") && l.contains("FAILED")), log.infos.toString());
        Map<String, Object> s = report.section();
        assertEquals(List.of("instance", "plan", "from", "backupIds", "destinations"), List.copyOf(s.keySet()), "no totals after a failure");

        OwuiException e = assertThrows(OwuiException.class, r::throwIfFailed);
        assertTrue(e.getMessage().startsWith("copy failed at bad ("), e.getMessage());
        assertEquals(1, sent.size());
        assertFalse(sent.get(0).succeeded());
        assertEquals(e.getMessage(), sent.get(0).error());
        assertEquals(List.of(cloud.url(), bad.url(), nas.url()), sent.get(0).targets());
        assertNull(sent.get(0).backupId());
    }
}
