package dev.owui.backup.app;

import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.store.TargetSpec;
import java.time.Duration;
import java.util.List;

/**
 * What owui:backup did, as data for its renderer (console, JSON report) and its notification.
 * Exactly one of {@code direct} and {@code staged} is set once the backup ran; neither when the
 * run stopped before (then {@code failure} says why).
 *
 * @param instance     the instance backed up
 * @param plan         the plan that ran, or null
 * @param targets      where it went; null when the run failed before they were known
 * @param mode         hot, paused or cold; null when the run failed before it was known
 * @param direct       a hot format 3 backup straight into one target's repository, or null
 * @param directs      for a PostgreSQL instance or uploads in object storage with several targets: a direct
 *                     backup at each target, in the targets' order (each its own dump), else empty
 * @param staged       a capture stored to each target (format 2 trees, or imported into format 3 repositories), or null
 * @param imported     what the first format 3 target of a staged run stored, or null
 * @param downtime     how long a cold or paused capture stopped or froze the instance, or null
 * @param failure      what failed the run (a start command that failed, a target that failed, …), or null
 */
public record BackupOutcome(String instance, String plan, List<TargetSpec> targets, String mode, Direct direct, List<Direct> directs,
                            PlanRunner.Result staged, TreeImport.Result imported, Duration downtime, RuntimeException failure) {
    public BackupOutcome {
        directs = directs == null ? List.of() : List.copyOf(directs);
    }

    /**
     * A direct format 3 backup at its one target, as far as it got.
     *
     * @param location where the repository is (null when it could not be opened)
     * @param backup   the backup made, or null when it failed
     * @param pruned   what retention removed afterwards; null when it did not run or failed
     * @param error    why this target failed (one of several), or null
     */
    public record Direct(String location, RepoBackupRunner.Result backup, List<String> pruned, String error) {
        public Direct(String location, RepoBackupRunner.Result backup, List<String> pruned) {
            this(location, backup, pruned, null);
        }
    }

    /** The first backup made at one of several targets (their backup section and notification), or null. */
    public RepoBackupRunner.Result firstOfDirects() {
        return directs.stream().map(Direct::backup).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** The id of the backup made, or null when none was. */
    public String backupId() {
        if (direct != null) {
            return direct.backup() == null ? null : direct.backup().backupId();
        }
        if (!directs.isEmpty()) {
            RepoBackupRunner.Result r = firstOfDirects();
            return r == null ? null : r.backupId();
        }
        return staged == null ? null : staged.backup().manifest().backupId();
    }

    public boolean failed() {
        return failure != null;
    }

    /** Fails the goal with what failed the run, after it was rendered (so the report says what was done). */
    public void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }
}
