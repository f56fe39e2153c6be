package dev.owui.backup.app;

import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.config.RestoreConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.restore.PathRestore;
import dev.owui.backup.restore.PathRestoreOptions;
import dev.owui.backup.restore.RepoRestoreRunner;
import dev.owui.backup.restore.RestoreOptions;
import dev.owui.backup.restore.RestoreResult;
import dev.owui.backup.restore.RestoreRunner;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.nio.file.Path;

/**
 * owui:restore: a backup of either format into a stopped instance's data directory, or (with
 * owui.paths) the chosen files into owui.output. The newest of both formats is the default; an
 * id in both is taken from format 3.
 */
public final class RestoreGoal {
    private final RunContext c;

    RestoreGoal(RunContext c) {
        this.c = c;
    }

    /**
     * What was restored.
     *
     * @param result what the restore wrote and set aside
     * @param format 3 for a format 3 backup, else 2 (format 1 or 2)
     * @param into   the data directory, or the output directory of a partial restore
     * @param config what was asked
     */
    public record Restored(RestoreResult result, int format, Path into, RestoreConfig config) {
    }

    Restored run(RestoreConfig config) {
        TargetSpec spec = c.targetSpec().apply(config.target());
        try (Target t = PerTarget.existing("restore", Targets.open(spec, c.targets()));
             TargetRepo repo = TargetRepo.open(spec, c.targets(), c.instance(), c.log())) {
            TargetRepo.Choice choice = repo.repository().isEmpty() ? null
                    : TargetRepo.choose(new Catalog(t, c.instance()).ids(), repo.ids(), config.backupId(), t.location(), c.instance(), c.log());
            if (choice != null && choice.repo()) {
                return format3(repo.repository().orElseThrow(), choice.backupId(), config);
            }
            return format2(t, choice == null ? config.backupId() : choice.backupId(), config);
        }
    }

    /** A format 3 backup (FORMAT.md, "Format 3"): the same rules, the repository's restore filling the directory. */
    private Restored format3(Repository repo, String id, RestoreConfig o) {
        // Uploads kept in object storage go back to their buckets when a provider is given (owui.storage.*), else beside the data directory.
        RepoRestoreRunner runner = new RepoRestoreRunner(c.log()).objectStorage(o.objectStorage().destination(o.force()));
        if (o.partial()) {
            return new Restored(runner.runPaths(repo, c.instance(), id, o.paths(), o.output(), o.force(), c.keys().get()), 3, o.output(), o);
        }
        RestoreResult r = runner.run(new RepoRestoreRunner.Options(repo, c.instance(), id, o.dataDir(), o.force(), o.secretKeyFile(), c.keys().get(),
                o.postgres() == null ? null : o.postgres().restoreInto(o.force())));
        return new Restored(r, 3, o.dataDir(), o);
    }

    private Restored format2(Target t, String id, RestoreConfig o) {
        if (o.postgres() != null) {
            c.log().warn("backup " + id + " is a format 1/2 tree, which holds no PostgreSQL dump: the database given (owui.databaseUrl or owui.envFile) is left as it is");
        }
        if (o.partial()) {
            RestoreResult r = new PathRestore(c.log()).run(new PathRestoreOptions(t, c.instance(), id, o.paths(), o.output(), o.force(), c.keys().get()));
            return new Restored(r, 2, o.output(), o);
        }
        RestoreResult r = new RestoreRunner(c.log()).run(new RestoreOptions(t, c.instance(), id, o.dataDir(), o.force(), o.secretKeyFile(), c.keys().get()));
        return new Restored(r, 2, o.dataDir(), o);
    }
}
