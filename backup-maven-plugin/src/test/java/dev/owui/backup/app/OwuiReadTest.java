package dev.owui.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.config.ListConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.TargetChoice;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade's reading goals driven directly, without Maven: a plan's targets are each worked on,
 * one missing target does not stop the other, and what happened comes back as data (and to the
 * listener as each target is done) before the goal fails naming the target.
 */
class OwuiReadTest {
    @TempDir
    Path tmp;

    @Test
    void listAtAPlansTargetsReturnsEachOutcomeAndFailsNamingTheMissingOne() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        String id = TestSupport.backup(f.dataDir(), nas).manifest().backupId();
        TargetSpec gone = TargetSpec.of(tmp.resolve("gone").toString(), null);
        TargetSpec there = TargetSpec.of(tmp.resolve("nas").toString(), null);
        List<TargetSpec> specs = List.of(new TargetSpec("gone", gone.url(), null, null, null, null),
                new TargetSpec("nas", there.url(), null, null, null, null));
        PlanBook book = new PlanBook(specs, List.of(new Plan("daily", List.of("gone", "nas"), null, null, null, null)));
        RecordingLog log = new RecordingLog();
        TargetContext targets = new TargetContext(tmp, true, sid -> null, sid -> null, Map.of());
        RunContext c = new RunContext("test", targets, s -> TargetSpec.of(s, null), book, ZoneOffset.UTC, DecryptionKeys::none,
                tmp.resolve("cache"), log);
        List<String> seen = new ArrayList<>();

        PerTarget.Outcomes<ListGoal.Listed> r = new Owui(c, new Notifications(List.of(), log))
                .list(new ListConfig(new TargetChoice(null, "daily")), o -> seen.add(o.spec().id()));

        assertEquals(List.of("gone", "nas"), seen, "each target reported as it is done, in the plan's order");
        assertTrue(r.outcomes().get(0).failed());
        assertNull(r.outcomes().get(0).value());
        assertEquals(List.of(id), r.outcomes().get(1).value().rows().stream().map(ListGoal.Row::backupId).toList());
        assertTrue(log.warnings.stream().anyMatch(w -> w.startsWith("target gone: target " + tmp.resolve("gone") + " does not exist")),
                log.warnings.toString());
        OwuiException e = assertThrows(OwuiException.class, r::throwIfFailed);
        assertTrue(e.getMessage().startsWith("owui:list failed at 1 of 2 target(s): gone (target " + tmp.resolve("gone") + " does not exist)"),
                e.getMessage());
    }
}
