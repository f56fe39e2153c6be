package dev.owui.backup.app;

import dev.owui.backup.config.DiffConfig;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.diff.BackupDiff;
import dev.owui.backup.diff.DiffResult;
import dev.owui.backup.repo.restore.TargetRepo;
import java.util.function.Consumer;

/** owui:diff: what changed between two backups of the instance, at each target, from their manifests alone. */
public final class DiffGoal {
    private final RunContext c;

    DiffGoal(RunContext c) {
        this.c = c;
    }

    PerTarget.Outcomes<DiffResult> run(DiffConfig config, Consumer<PerTarget.Outcome<DiffResult>> each) {
        BackupDiff diff = new BackupDiff(c.log(), c.keys().get(), config.limit()); // a negative limit fails before any target
        return PerTarget.run(c, "diff", Jobs.read(c.plans(), config.targets(), c.targetSpec()).targets(), (spec, t) -> {
            // a format 3 repository is opened only when it is there: a diff leaves the target as it was
            try (TargetRepo repo = TargetRepo.open(spec, c.targets(), c.instance(), c.log())) {
                return diff.run(t, repo.repository().orElse(null), c.instance(), config.backupIds());
            }
        }, null, each);
    }
}
