package dev.owui.backup.render;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.app.PruneGoal.Pruned;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Retention.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** owui:prune's console lines (the verdict table, what was removed and freed) and its report entries, per target. */
public final class PruneRender {
    private final EngineLog log;
    private final JsonReport report;

    public PruneRender(EngineLog log, JsonReport report) {
        this.log = log;
        this.report = report;
    }

    /** One target's lines and report entry. */
    public void target(PerTarget.Outcome<Pruned> o) {
        TargetEntries.render(report, o, this::print);
    }

    private void print(Pruned p, Map<String, Object> entry) {
        MixedPruner.Outcome outcome = p.outcome();
        boolean dryRun = p.dryRun();
        List<Decision> decisions = outcome.decisions();
        entry.put("location", p.location());
        entry.putAll(Sections.pruned(decisions, p.policy().toString(), dryRun));
        outcome.bytesFreed().ifPresent(b -> entry.put("bytesFreed", b));
        Table table = new Table("backup", "format", dryRun ? "would" : "result", "kept by").right();
        for (Decision d : decisions) {
            table.row(d.backupId(), outcome.format3().contains(d.backupId()) ? "3" : "2", d.keep() ? "keep" : (dryRun ? "remove" : "removed"),
                    String.join(", ", d.reasons()));
        }
        log.info((dryRun ? "dry run, nothing removed; " : "") + "policy " + p.policy() + " (" + p.zone() + ") at "
                + (p.name() == null ? "" : p.name() + " = ") + p.location() + ":");
        table.printTo(log);
        long removed = decisions.stream().filter(d -> !d.keep()).count();
        log.info((dryRun ? "would remove " : "removed ") + removed + " of " + decisions.size() + " backup(s)"
                + (outcome.bytesFreed().isPresent() ? ", " + (dryRun ? "freeing " : "freed ") + Sizes.bytes(outcome.bytesFreed().getAsLong())
                : removed > 0 ? (dryRun && decisions.stream().anyMatch(d -> !d.keep() && outcome.format3().contains(d.backupId()))
                        ? " (a dry run cannot tell the space a format 3 backup frees: only the mark of a real prune can)"
                        : " (this target cannot tell the space freed: SFTP reports no link counts)") : ""));
    }
}
