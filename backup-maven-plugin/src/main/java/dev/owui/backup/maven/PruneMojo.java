package dev.owui.backup.maven;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.config.PruneConfig;
import dev.owui.backup.render.PruneRender;
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
        PruneConfig config = PruneConfig.of(targets(), keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, dryRun);
        PerTarget.Outcomes<?> r = owui().prune(config, new PruneRender(engineLog(), report())::target);
        r.throwIfFailed();
    }
}
