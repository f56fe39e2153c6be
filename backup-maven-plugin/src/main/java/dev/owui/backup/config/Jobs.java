package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one place that decides what a run does from owui.plan and owui.target (owui.from and owui.to
 * for a copy): which targets, what retention, which mode, for every goal that takes a plan
 * (backup, copy, and the reading goals verify, list, diff and prune; install-cron reads the plans'
 * schedules itself). A plan made for another goal (a copy plan for a backup, a backup plan for a
 * copy) is refused with the goal that runs it.
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

    /**
     * The job of a reading goal (verify, list, diff): owui.target when given, or else every target
     * of owui.plan, a copy plan's source first, then its destinations.
     */
    public static Job read(PlanBook book, TargetChoice choice, Function<String, TargetSpec> spec) {
        if (!choice.hasPlan() || choice.hasTarget()) {
            return new Job(null, List.of(spec.apply(choice.target())), null, null);
        }
        Plan p = book.plan(choice.plan());
        List<TargetSpec> specs = new ArrayList<>();
        if (p.copyFrom() != null) {
            specs.add(book.targets().get(p.copyFrom()));
        }
        specs.addAll(book.targetsOf(p));
        return new Job(p, specs, p.retention(), p.mode());
    }

    /**
     * The job of owui:prune: owui.plan wins over owui.target, and only the plan's own targets are
     * pruned (a copy plan's source keeps its own retention).
     */
    public static Job prune(PlanBook book, TargetChoice choice, Function<String, TargetSpec> spec) {
        if (!choice.hasPlan()) {
            return new Job(null, List.of(spec.apply(choice.target())), null, null);
        }
        Plan p = book.plan(choice.plan());
        return new Job(p, book.targetsOf(p), p.retention(), p.mode());
    }

    /**
     * Where a copy goes: its source, the destinations in order, and what to keep at each (null:
     * everything).
     *
     * @param plan the copy plan that runs, or null for owui.from and owui.to
     */
    public record CopyJob(Plan plan, TargetSpec source, List<TargetSpec> destinations, Policy retention) {
        public CopyJob {
            destinations = List.copyOf(destinations);
        }
    }

    /**
     * The job of owui:copy: a copy plan's copyFrom, targets and retention, or else owui.from and
     * owui.to; a backup plan is refused naming the goal that runs it.
     */
    public static CopyJob copy(PlanBook book, String planId, String from, String to, Function<String, TargetSpec> spec) {
        if (planId != null && !planId.isBlank()) {
            Plan p = book.plan(planId);
            if (p.copyFrom() == null) {
                throw new OwuiException("plan '" + p.id() + "' is a backup plan, not a copy plan", "run it with mvn owui:backup -Dowui.plan=" + p.id()
                        + ", or give the copy plan a <copyFrom>");
            }
            return new CopyJob(p, book.targets().get(p.copyFrom()), book.targetsOf(p), p.retention());
        }
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new OwuiException("owui:copy needs a source and a destination",
                    "give -Dowui.from=<target> -Dowui.to=<target> (directories, sftp:// or s3:// URLs), or -Dowui.plan=<copy plan>");
        }
        return new CopyJob(null, spec.apply(from), List.of(spec.apply(to)), null);
    }
}
