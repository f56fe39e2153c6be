package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.store.TargetSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The one place that decides what a run does from owui.plan and owui.target: which targets, what
 * retention, which mode. A plan replaces owui.target and the owui.keep* retention; a plan made for
 * another goal (a copy plan) is refused with the goal that runs it.
 */
public final class Jobs {
    private Jobs() {
    }

    /**
     * One run's job.
     *
     * @param plan      the plan that runs, or null for a target named on its own
     * @param targets   where the run goes, in order
     * @param retention what to keep at each target afterwards (the plan's), or null to keep everything
     * @param mode      the plan's mode (hot, paused, cold), or null when no plan names one
     */
    public record Job(Plan plan, List<TargetSpec> targets, Policy retention, String mode) {
        public Job {
            targets = List.copyOf(targets);
        }

        /** The mode the run uses: the one asked for (owui.mode), else the plan's, else hot. */
        public String modeOr(String asked) {
            String m = asked == null || asked.isBlank() ? mode : asked;
            return m == null || m.isBlank() ? Plan.HOT : m;
        }
    }

    /**
     * The job of a backup: the plan {@code planId} of {@code book}, or else the one target
     * {@code target} (an id of the pom's targets or a URL, through {@code spec}).
     */
    public static Job backup(PlanBook book, String planId, String target, Function<String, TargetSpec> spec) {
        if (planId != null && !planId.isBlank()) {
            Plan p = book.plan(planId);
            if (p.copyFrom() != null) {
                throw new OwuiException("plan '" + p.id() + "' is a copy plan (it copies from " + p.copyFrom() + ")",
                        "run it with mvn owui:copy -Dowui.plan=" + p.id());
            }
            return new Job(p, book.targetsOf(p), p.retention(), p.mode());
        }
        if (target == null || target.isBlank()) {
            List<Plan> plans = book.plans();
            throw new OwuiException("no target given",
                    plans.isEmpty() ? "set owui.target to a directory, sftp:// or s3:// URL, e.g. -Dowui.target=/srv/backups/owui"
                            : "set owui.plan to one of the pom's plans (" + String.join(", ", plans.stream().map(Plan::id).toList()) + ") or owui.target");
        }
        return new Job(null, List.of(spec.apply(target)), null, null);
    }
}
