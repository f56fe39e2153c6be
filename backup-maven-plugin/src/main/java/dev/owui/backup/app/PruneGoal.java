package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.PruneConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * owui:prune: applies a retention policy at each target (owui.target with the owui.keep* rules,
 * or each of owui.plan's targets with the plan's retention), format 1/2 trees and format 3
 * backups as one history, and returns retention's verdict on every backup there.
 */
public final class PruneGoal {
    private final RunContext c;

    PruneGoal(RunContext c) {
        this.c = c;
    }

    /**
     * What prune did (or, in a dry run, would do) at one target.
     *
     * @param location where the target is
     * @param name     the target's id when the plan named it, else null
     * @param policy   the policy applied
     * @param zone     the zone it counted days in
     * @param dryRun   nothing was removed
     * @param outcome  the decision on each backup, which of them are format 3, and the space freed if known
     */
    public record Pruned(String location, String name, Policy policy, ZoneId zone, boolean dryRun, MixedPruner.Outcome outcome) {
    }

    PerTarget.Outcomes<Pruned> run(PruneConfig config, Consumer<PerTarget.Outcome<Pruned>> each) {
        Jobs.Job r = Jobs.prune(c.plans(), config.targets(), c.targetSpec());
        Policy policy = config.rules() != null ? config.rules() : r.plan().retention();
        if (policy == null) {
            throw new OwuiException("plan '" + r.plan().id() + "' has no retention (it keeps every backup)",
                    "give the plan keepDaily/keepWeekly/… or pass -Dowui.keepLast=… and friends");
        }
        return PerTarget.run(c, "prune", r.targets(),
                (spec, t) -> prune(spec, t, r.plan() == null ? null : spec.id(), policy, config.dryRun()), null, each);
    }

    private Pruned prune(TargetSpec spec, Target t, String name, Policy policy, boolean dryRun) {
        ZoneId zone = c.zone();
        // Said before anything is removed: where, which instance, and by what policy.
        c.log().info((dryRun ? "dry run: would prune " : "pruning ") + "instance '" + c.instance() + "' at " + (name == null ? "" : name + " = ")
                + t.location() + " with policy " + policy + " (" + zone + ")");
        // Format 1/2 trees and format 3 backups are one history: retention decides over both.
        try (ObjectStore store = RepoStores.open(spec, c.targets())) {
            MixedPruner.Outcome outcome = MixedPruner.apply(t, store, c.instance(), policy, zone, null, dryRun, c.keys().get(),
                    c.format3Cache().resolve("scratch"), c.log());
            return new Pruned(t.location(), name, policy, zone, dryRun, outcome);
        }
    }
}
