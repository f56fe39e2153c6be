package dev.owui.backup.app;

import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.TargetChoice;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The reading goals' plan resolution, in one method: which targets a run of verify, list, diff or
 * prune works on. (When {@code config.Jobs} resolves every goal's plans, {@link #resolve} becomes a
 * call to it.)
 */
final class ReadTargets {
    private ReadTargets() {
    }

    /**
     * The plan (or null) and its targets.
     *
     * @param plan    the plan owui.plan names, or null when owui.target names the one target
     * @param targets the targets to work at
     */
    record Resolved(Plan plan, List<TargetSpec> targets) {
    }

    /**
     * For reading (verify, list, diff): owui.target, or else every target of owui.plan, a copy
     * plan's source first, then its destinations. For retention (prune): owui.plan wins over
     * owui.target, and only the plan's own targets are pruned (a copy plan's source keeps its own
     * retention).
     */
    static Resolved resolve(RunContext c, TargetChoice choice, boolean retention) {
        if (!choice.hasPlan() || !retention && choice.hasTarget()) {
            return new Resolved(null, List.of(c.targetSpec().apply(choice.target())));
        }
        PlanBook book = c.plans();
        Plan p = book.plan(choice.plan());
        List<TargetSpec> specs = new ArrayList<>();
        if (!retention && p.copyFrom() != null) {
            specs.add(book.targets().get(p.copyFrom()));
        }
        specs.addAll(book.targetsOf(p));
        return new Resolved(p, specs);
    }
}
