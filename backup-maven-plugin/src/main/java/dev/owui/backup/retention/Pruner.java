package dev.owui.backup.retention;

import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;

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
        return applyMeasured(target, instance, policy, zone, protect, dryRun, log).decisions();
    }

    /**
     * What a prune decided, and the bytes its removals free (or would free, in a dry run), measured
     * before anything is removed; empty where the target cannot tell (SFTP has no link counts).
     */
    public record Outcome(List<Decision> decisions, OptionalLong bytesFreed) {
    }

    /** {@link #apply}, also measuring the space the removals free. */
    public static Outcome applyMeasured(Target target, String instance, Policy policy, ZoneId zone, String protect,
                                        boolean dryRun, EngineLog log) {
        try (TargetLock lock = target.lock(instance)) {
            List<Decision> decisions = Retention.decide(target.backups(instance), policy, zone, protect);
            List<String> doomed = decisions.stream().filter(d -> !d.keep()).map(Decision::backupId).toList();
            OptionalLong freed = doomed.isEmpty() ? OptionalLong.of(0) : measure(target, instance, doomed, log);
            if (!dryRun) {
                for (Decision d : decisions) {
                    if (!d.keep()) {
                        var leftover = target.delete(instance, d.backupId());
                        log.info("removed " + d.backupId() + " (policy: " + policy + ")");
                        leftover.ifPresent(log::warn);
                    }
                }
            }
            return new Outcome(decisions, freed);
        }
    }

    /** Measuring is a courtesy: a target that cannot be listed now must not stop the removal it measures. */
    static OptionalLong measure(Target target, String instance, List<String> doomed, EngineLog log) {
        try {
            return target.freedBy(instance, doomed);
        } catch (RuntimeException e) {
            log.warn("cannot measure the space the removal frees (" + e.getMessage() + "); removing anyway");
            return OptionalLong.empty();
        }
    }
}
