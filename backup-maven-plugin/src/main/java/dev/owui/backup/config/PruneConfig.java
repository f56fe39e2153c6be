package dev.owui.backup.config;

import dev.owui.backup.retention.Policy;

/**
 * owui:prune's configuration.
 *
 * @param targets where: owui.target, or the targets of owui.plan (with the plan's retention)
 * @param rules   the owui.keep* rules, or null when none is given and the plan's retention applies
 * @param dryRun  only print what would be removed
 */
public record PruneConfig(TargetChoice targets, Policy rules, boolean dryRun) {

    /**
     * The rules given on the command line win over the plan's; without a plan they must keep
     * something (Policy refuses a policy that keeps nothing, before any target is opened).
     */
    public static PruneConfig of(TargetChoice targets, int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly,
                                 int keepYearly, boolean dryRun) {
        boolean given = keepLast + keepHourly + keepDaily + keepWeekly + keepMonthly + keepYearly > 0;
        Policy rules = given || !targets.hasPlan() ? new Policy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly) : null;
        return new PruneConfig(targets, rules, dryRun);
    }
}
