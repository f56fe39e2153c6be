package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.CaptureEvents;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.config.BackupConfig;
import dev.owui.backup.config.CaptureConfig;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.external.StorageProvider;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * owui:backup. Resolves the job ({@link Jobs}), decides each target's format, then either backs up
 * straight into one target's format 3 repository (hot, one target: no staging, then the plan's
 * retention over every backup there, whatever its format), or captures once (stopping or freezing
 * the instance for the capture alone when cold or paused) and stores to each target through
 * {@link PlanRunner}. Returns what happened; a failure is part of the result, so the report and
 * the notification ({@link Owui#backup}) still say what was done before it.
 */
final class BackupGoal {
    private final RunContext ctx;

    BackupGoal(RunContext ctx) {
        this.ctx = ctx;
    }

    BackupOutcome run(BackupConfig config) {
        EngineLog log = ctx.log();
        CaptureConfig c = config.capture();
        List<TargetSpec> specs = null;
        String runMode = c.mode();
        BackupOutcome.Direct direct = null;
        List<BackupOutcome.Direct> directs = new java.util.ArrayList<>();
        PgSource pg = config.postgres() == null ? null : config.postgres().source();
        StorageProvider storage = config.objectStorage().provider();
        PlanRunner.Result staged = null;
        TreeImport.Result imported = null;
        Duration downtime = null;
        RuntimeException failure = null;
        try {
            Jobs.Job job = Jobs.backup(ctx.plans(), config.plan(), config.target(), ctx.targetSpec());
            if (job.plan() != null) {
                runMode = job.modeOr(c.mode());
                log.info("plan " + job.plan().id() + ": " + runMode + " backup to " + job.plan().targets()
                        + (job.retention() == null ? ", keeping every backup" : ", then keeping " + job.retention()));
            }
            specs = job.targets();
            BackupOptions.Mode m = BackupOptions.Mode.parse(runMode == null || runMode.isBlank() ? Plan.HOT : runMode);
            runMode = m.manifestName();
            // The format each target is written in (2: trees, 3: the repository), decided once per target.
            Map<TargetSpec, Integer> formats = new HashMap<>();
            for (TargetSpec s : specs) {
                formats.put(s, repoFormat(c.format(), s, log));
            }
            if (pg != null || storage != null) {
                requireDirect(pg, storage, m, specs, formats);
            }
            if (specs.size() == 1 && m == BackupOptions.Mode.HOT && formats.get(specs.get(0)) == 3) {
                BackupOutcome.Direct[] got = {null};
                try {
                    direct(c, specs.get(0), job.retention(), got, pg, storage);
                } finally {
                    direct = got[0];
                }
            } else if (pg != null || storage != null) {
                // A dump and a bucket's objects are not part of the staged tree: each target gets a direct
                // backup of its own (its own consistent dump; an unchanged database stores nothing new there).
                failure = eachDirect(c, specs, job.retention(), pg, storage, directs);
            } else {
                QuiescedCapture quiesce = m == BackupOptions.Mode.HOT ? null : new QuiescedCapture(c.quiescing().of(m), log);
                boolean any3 = specs.stream().anyMatch(s -> formats.get(s) == 3);
                PlanRunner.Request request = new PlanRunner.Request(t -> c.options(t, ctx.instance(), m), specs,
                        s -> Targets.open(s, ctx.targets()), staging(c), job.retention(), ctx.zone(), quiesce == null ? CaptureWrapper.HOT : quiesce)
                        .withFormats(formats::get, any3 ? Format3Parts.repositories(c, ctx, true) : null)
                        .withEvents(c.events(), CaptureEvents.NONE);
                staged = new PlanRunner(log).run(request);
                imported = staged.targets().stream().map(PlanRunner.TargetOutcome::imported).filter(Objects::nonNull).findFirst().orElse(null);
                downtime = quiesce == null ? null : quiesce.downtime();
                failure = quiesce == null ? null : quiesce.startFailure(staged.backup().manifest().backupId());
                if (failure == null) {
                    staged.throwIfFailed();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        return new BackupOutcome(ctx.instance(), config.plan(), specs, runMode, direct, directs, staged, imported, downtime, failure);
    }

    /**
     * A hot backup straight into the instance's repository at {@code spec} (no staging), then the
     * retention (if any) over every backup there, whatever its format. {@code got[0]} is how far it
     * got, also when it fails: null while nothing was tried at the target (the data directory is
     * checked first), then where the repository is, then the backup made and what retention removed.
     */
    private void direct(CaptureConfig c, TargetSpec spec, Policy retention, BackupOutcome.Direct[] got, PgSource pg, StorageProvider storage) {
        RepoBackupRunner.Options options = Format3Parts.options(c, ctx, true).withPostgres(pg);
        // Before any repository.json is created: a missing data directory is no reason to touch a target.
        DataDirectory.open(options.dataDir(), pg != null);
        got[0] = new BackupOutcome.Direct(null, null, null);
        Path scratch = ctx.format3Cache().resolve("scratch");
        try (ObjectStore store = RepoStores.open(spec, ctx.targets()); Target trees = Targets.open(spec, ctx.targets())) {
            got[0] = new BackupOutcome.Direct(store.location(), null, null);
            Repository repo = RepoStores.repository(store, ctx.instance(), scratch, ctx.log());
            RepoBackupRunner.Result r = new RepoBackupRunner(ctx.log()).objectStorage(storage).run(repo, options, trees);
            got[0] = new BackupOutcome.Direct(store.location(), r, List.of());
            if (retention != null) {
                got[0] = new BackupOutcome.Direct(store.location(), r, retain(trees, store, retention, r.backupId(), scratch));
            }
        }
    }

    /**
     * A direct backup at each target in turn, each with its own dump, then the plan's retention
     * there; one target failing does not stop the others. Returns the failure naming every target
     * that failed, or null.
     */
    private RuntimeException eachDirect(CaptureConfig c, List<TargetSpec> specs, Policy retention, PgSource pg, StorageProvider storage,
                                        List<BackupOutcome.Direct> out) {
        List<String> failed = new java.util.ArrayList<>();
        List<String> stored = new java.util.ArrayList<>();
        for (TargetSpec spec : specs) {
            String name = spec.id() != null ? spec.id() : spec.url();
            ctx.log().info("target " + name + ": a backup of its own" + (pg != null ? " (its own dump of " + pg.database() + ")" : ""));
            BackupOutcome.Direct[] got = {null};
            String error;
            try {
                direct(c, spec, retention, got, pg, storage);
                out.add(got[0]);
                stored.add(name);
                continue;
            } catch (OwuiException e) {
                error = e.getMessage();
                ctx.log().warn("target " + name + ": " + error);
            } catch (RuntimeException e) {
                error = "unexpected error: " + e;
                ctx.log().warn("target " + name + " failed unexpectedly: " + e);
            }
            failed.add(name + ": " + error);
            BackupOutcome.Direct d = got[0];
            if (d != null && d.backup() != null) {
                stored.add(name); // stored, retention failed
            }
            out.add(new BackupOutcome.Direct(d == null ? null : d.location(), d == null ? null : d.backup(), d == null ? null : d.pruned(), error));
        }
        if (failed.isEmpty()) {
            return null;
        }
        return new OwuiException("the backup failed at " + failed.size() + " of " + specs.size() + " target(s) (" + String.join("; ", failed) + ")"
                + (stored.isEmpty() ? "" : "; stored at " + String.join(", ", stored)),
                "fix what each failed target names and run again: each target's backup is its own");
    }

    /**
     * A PostgreSQL dump and the objects of a bucket are taken by a direct format 3 backup only
     * (a staged capture is a data directory's tree): anything else is refused before any work.
     */
    private static void requireDirect(PgSource pg, StorageProvider storage, BackupOptions.Mode m, List<TargetSpec> specs, Map<TargetSpec, Integer> formats) {
        TargetSpec tree = specs.stream().filter(s -> formats.get(s) != 3).findFirst().orElse(null);
        PgSource.requireDirect(pg, m, tree == null ? 3 : formats.get(tree));
        if (storage != null && (m != BackupOptions.Mode.HOT || tree != null)) {
            throw new OwuiException("uploads in object storage (owui.storage.provider=s3) are backed up in format 3 in hot mode; this backup "
                    + (tree != null ? "would write format " + formats.get(tree) + " to " + (tree.id() != null ? tree.id() : tree.url()) : "is " + m.manifestName()),
                    "run owui:backup with owui.format=3 (or auto at a target that holds no format 2 trees) and owui.mode=hot,"
                            + " or unset owui.storage.provider; nothing was written");
        }
    }

    /** The plan's retention at a target that now holds {@code id}; a failure is the target's, the backup stays. */
    private List<String> retain(Target t, ObjectStore store, Policy retention, String id, Path scratch) {
        try {
            MixedPruner.Outcome o = MixedPruner.apply(t, store, ctx.instance(), retention, ctx.zone(), id, false, ctx.keys().get(), scratch, ctx.log());
            return o.decisions().stream().filter(d -> !d.keep()).map(Decision::backupId).toList();
        } catch (OwuiException x) {
            throw new OwuiException("backup " + id + " is stored, but retention (" + retention + ") failed: " + x.getMessage(), x.remedy(), x);
        }
    }

    /** The format {@code spec} is written in: explicit 2 or 3 as given, under auto what the target holds ({@link FormatChoice}). */
    private int repoFormat(FormatChoice choice, TargetSpec spec, EngineLog log) {
        if (choice.isExplicit()) {
            return choice.explicitFormat();
        }
        try {
            return choice.formatFor(spec, ctx.targets(), ctx.instance(), log);
        } catch (OwuiException e) {
            // A target that cannot be read now (a missing bucket, a host down) must not stop the others of a
            // plan: it is taken as new (format 3), and its own step fails with this same error, naming it.
            return 3;
        }
    }

    private Path staging(CaptureConfig c) {
        return c.stagingDir() != null ? c.stagingDir() : ctx.cache().resolve("staging");
    }
}
