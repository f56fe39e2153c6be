package dev.owui.backup.app;

import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.TargetChoice;

/** Which targets a run of verify, list, diff or prune works on: {@link Jobs}, with the run's plans and target specs. */
final class ReadTargets {
    private ReadTargets() {
    }

    /** The job of a reading goal ({@link Jobs#read}), or of prune with {@code retention} ({@link Jobs#prune}). */
    static Jobs.Job resolve(RunContext c, TargetChoice choice, boolean retention) {
        return retention ? Jobs.prune(c.plans(), choice, c.targetSpec()) : Jobs.read(c.plans(), choice, c.targetSpec());
    }
}
