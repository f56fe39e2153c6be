package dev.owui.backup.retention;

import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.time.ZoneId;
import java.util.List;

/**
 * Applies a retention policy at a target under the instance's lock, so it never races a backup
 * being written (that run holds the lock; trees without a manifest are never candidates).
 */
public final class Pruner {
    private Pruner() {
    }

    /**
     * Decides and, unless {@code dryRun}, removes what the policy does not keep. The newest
     * complete backup and {@code protect} (the one just made, or null) are always kept. Returns
     * the decisions, newest first.
     */
    public static List<Decision> apply(Target target, String instance, Policy policy, ZoneId zone, String protect,
                                       boolean dryRun, EngineLog log) {
        try (TargetLock lock = target.lock(instance)) {
            List<Decision> decisions = Retention.decide(target.backups(instance), policy, zone, protect);
            if (!dryRun) {
                for (Decision d : decisions) {
                    if (!d.keep()) {
                        var leftover = target.delete(instance, d.backupId());
                        log.info("removed " + d.backupId() + " (policy: " + policy + ")");
                        leftover.ifPresent(log::warn);
                    }
                }
            }
            return decisions;
        }
    }
}
