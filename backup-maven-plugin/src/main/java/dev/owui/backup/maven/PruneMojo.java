package dev.owui.backup.maven;

import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Table;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import java.time.ZoneId;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Removes the backups a retention policy does not keep, with restic's semantics (README: "Retention").
 * With {@code owui.dryRun} it only prints, for every backup, keep or remove and the rules that keep it.
 * The newest complete backup is always kept, and a run in progress (it holds the lock) is never raced.
 * With {@code owui.plan}, the plan's retention is applied at each of its targets.
 */
@Mojo(name = "prune", requiresProject = false, threadSafe = true)
public class PruneMojo extends AbstractTargetMojo {

    /** Keep the newest N backups. */
    @Parameter(property = "owui.keepLast", defaultValue = "0")
    private int keepLast;

    /** Keep the newest backup of each of the newest N hours that have one. */
    @Parameter(property = "owui.keepHourly", defaultValue = "0")
    private int keepHourly;

    /** Keep the newest backup of each of the newest N days that have one. */
    @Parameter(property = "owui.keepDaily", defaultValue = "0")
    private int keepDaily;

    /** Keep the newest backup of each of the newest N ISO weeks (Monday to Sunday) that have one. */
    @Parameter(property = "owui.keepWeekly", defaultValue = "0")
    private int keepWeekly;

    /** Keep the newest backup of each of the newest N months that have one. */
    @Parameter(property = "owui.keepMonthly", defaultValue = "0")
    private int keepMonthly;

    /** Keep the newest backup of each of the newest N years that have one. */
    @Parameter(property = "owui.keepYearly", defaultValue = "0")
    private int keepYearly;

    /** Print what would be kept and removed, and why, without removing anything. */
    @Parameter(property = "owui.dryRun", defaultValue = "false")
    private boolean dryRun;

    @Override
    protected String goal() {
        return "prune";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        ZoneId zone = zone();
        boolean rulesGiven = keepLast + keepHourly + keepDaily + keepWeekly + keepMonthly + keepYearly > 0;
        if (plan != null && !plan.isBlank()) {
            PlanBook book = planBook();
            Plan p = book.plan(plan);
            Policy policy = rulesGiven ? policy() : p.retention();
            if (policy == null) {
                throw new OwuiException("plan '" + p.id() + "' has no retention (it keeps every backup)",
                        "give the plan keepDaily/keepWeekly/… or pass -Dowui.keepLast=… and friends");
            }
            // The plan's own targets only: a copy plan's source keeps its own retention.
            forEachTarget(book.targetsOf(p), (spec, t) -> prune(log, spec, t, spec.id(), policy, zone));
            return;
        }
        forEachTarget((spec, t) -> prune(log, spec, t, null, policy(), zone));
    }

    private Policy policy() {
        return new Policy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly);
    }

    private void prune(EngineLog log, TargetSpec spec, Target t, String name, Policy policy, ZoneId zone) {
        // Said before anything is removed: where, which instance, and by what policy.
        log.info((dryRun ? "dry run: would prune " : "pruning ") + "instance '" + instance + "' at " + (name == null ? "" : name + " = ")
                + t.location() + " with policy " + policy + " (" + zone + ")");
        MixedPruner.Outcome outcome;
        // Format 1/2 trees and format 3 backups are one history: retention decides over both.
        try (ObjectStore store = RepoStores.open(spec, targetContext())) {
            outcome = MixedPruner.apply(t, store, instance, policy, zone, null, dryRun, decryptionKeys(),
                    home().resolve(".cache/owui-backup/format3/scratch"), log);
        }
        List<Decision> decisions = outcome.decisions();
        targetReport().put("location", t.location());
        targetReport().putAll(ReportSections.pruned(decisions, policy.toString(), dryRun));
        outcome.bytesFreed().ifPresent(b -> targetReport().put("bytesFreed", b));
        Table table = new Table("backup", "format", dryRun ? "would" : "result", "kept by").right();
        for (Decision d : decisions) {
            table.row(d.backupId(), outcome.format3().contains(d.backupId()) ? "3" : "2", d.keep() ? "keep" : (dryRun ? "remove" : "removed"),
                    String.join(", ", d.reasons()));
        }
        log.info((dryRun ? "dry run, nothing removed; " : "") + "policy " + policy + " (" + zone + ") at "
                + (name == null ? "" : name + " = ") + t.location() + ":");
        table.printTo(log);
        long removed = decisions.stream().filter(d -> !d.keep()).count();
        log.info((dryRun ? "would remove " : "removed ") + removed + " of " + decisions.size() + " backup(s)"
                + (outcome.bytesFreed().isPresent() ? ", " + (dryRun ? "freeing " : "freed ") + dev.owui.backup.report.Sizes.bytes(outcome.bytesFreed().getAsLong())
                : removed > 0 ? (dryRun && decisions.stream().anyMatch(d -> !d.keep() && outcome.format3().contains(d.backupId()))
                        ? " (a dry run cannot tell the space a format 3 backup frees: only the mark of a real prune can)"
                        : " (this target cannot tell the space freed: SFTP reports no link counts)") : ""));
    }
}
