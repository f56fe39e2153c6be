package dev.owui.backup.maven;

import dev.owui.backup.plan.Plan;
import dev.owui.backup.retention.Policy;
import java.util.List;

/** One {@code <plan>} of the plugin's {@code <plans>}: Maven fills the fields by name. */
public class PlanConfig {
    /** The name given with -Dowui.plan. */
    String id;
    /** Ids of the targets it writes. */
    List<String> targets;
    /** hot (default), paused or cold. */
    String mode;
    /** A copy plan: the target whose backups it copies to its targets (run with owui:copy). */
    String copyFrom;
    /** When it runs (5-field cron or @daily…), for owui:install-cron. */
    String schedule;
    int keepLast;
    int keepHourly;
    int keepDaily;
    int keepWeekly;
    int keepMonthly;
    int keepYearly;

    Plan toPlan() {
        boolean keepsAll = keepLast + keepHourly + keepDaily + keepWeekly + keepMonthly + keepYearly == 0;
        Policy retention = keepsAll ? null : new Policy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly);
        return new Plan(id, targets, mode, retention, schedule, copyFrom);
    }
}
