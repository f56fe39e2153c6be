package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.config.CaptureConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.SnapshotConfig;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * owui:snapshot. Format 2: a complete tree per snapshot ({@link SnapshotRunner#run}). Format 3 at
 * a local or SFTP directory: hot, straight into the repository ({@link SnapshotRunner#runFormat3});
 * cold or paused, captured into the staging directory while the instance is stopped or frozen
 * and imported into the repository as a format 3 backup is ({@link PlanRunner}), then the same
 * tree and rotation ({@link SnapshotRunner#finishFormat3}). A PostgreSQL instance's snapshot is
 * a hot format 3 one holding its dump(s); anything else is refused before any work. A failure after the capture (a
 * start command that failed) is part of the result, so the report still shows the snapshot.
 */
final class SnapshotGoal {
    private final RunContext ctx;

    SnapshotGoal(RunContext ctx) {
        this.ctx = ctx;
    }

    SnapshotOutcome run(SnapshotConfig config) {
        CaptureConfig c = config.capture();
        EngineLog log = ctx.log();
        BackupOptions.Mode m = BackupOptions.Mode.parse(c.mode() == null || c.mode().isBlank() ? "hot" : c.mode());
        TargetSpec spec = ctx.targetSpec().apply(config.snapshotDir());
        PgSource pg = config.postgres() == null ? null : config.postgres().source();
        int format = format(c, spec, log);
        // Before any work: a dump needs the running server, and a tree holds a data directory only.
        PgSource.requireDirectSnapshot(pg, m, format);
        if (format == 3) {
            return format3(config, spec, m, pg);
        }
        QuiescedCapture quiesce = m == BackupOptions.Mode.HOT ? null : new QuiescedCapture(c.quiescing().of(m), log);
        SnapshotRunner.Result r;
        try (Target t = Targets.open(spec, ctx.targets())) {
            r = new SnapshotRunner(log).run(c.options(t, ctx.instance(), m), config.keep(), quiesce == null ? CaptureWrapper.HOT : quiesce);
        }
        Duration downtime = quiesce == null ? null : quiesce.downtime();
        RuntimeException failure = quiesce == null ? null : quiesce.startFailure(r.snapshot().manifest().backupId());
        return new SnapshotOutcome(spec, config.keep(), m.manifestName(), r, null, null, null, null, null, downtime, failure);
    }

    /** owui.format: 2 (trees) or 3 (the repository and a browsable tree); auto decides by what the directory holds. */
    private int format(CaptureConfig c, TargetSpec spec, EngineLog log) {
        FormatChoice choice = c.format();
        if (choice.isExplicit()) {
            return choice.explicitFormat();
        }
        // S3 has no folders for a browsable tree: snapshots there stay trees of server-side copies.
        if ("s3".equals(spec.scheme())) {
            return 2;
        }
        int f = choice.formatFor(spec, ctx.targets(), ctx.instance(), log);
        if (f == 3 && c.codec().encrypts() && ctx.keys().get().isEmpty()) {
            // A format 3 snapshot's tree is plain, so it needs the key; a format 2 one stores encrypted files as they are.
            log.info("owui.format=auto: this snapshot is format 2, because it encrypts and no key to build a plain browsable tree was"
                    + " given (owui.secretKeyRing or the passphrase makes it format 3)");
            return 2;
        }
        return f;
    }

    /** A format 3 snapshot at the snapshot directory, local or SFTP; {@code pg}: the dumps it holds (hot only), or null. */
    private SnapshotOutcome format3(SnapshotConfig config, TargetSpec spec, BackupOptions.Mode m, PgSource pg) {
        if ("s3".equals(spec.scheme())) {
            throw new OwuiException("owui.snapshotDir=" + spec.url() + ": a format 3 snapshot builds a browsable tree of hard links,"
                    + " which S3 has not", "snapshot to a local directory or sftp://, or back up to S3 with owui:backup -Dowui.format=3");
        }
        CaptureConfig c = config.capture();
        EngineLog log = ctx.log();
        RepoBackupRunner.Options options = Format3Parts.options(c, ctx, false).withPostgres(pg);
        DataDirectory.open(options.dataDir(), pg != null); // before repository.json is created: nothing to snapshot, nothing touched
        Path scratch = ctx.format3Cache().resolve("scratch");
        try (Target t = Targets.open(spec, ctx.targets()); ObjectStore store = RepoStores.open(spec, ctx.targets())) {
            SnapshotRunner runner = new SnapshotRunner(log);
            if (m == BackupOptions.Mode.HOT) {
                SnapshotRunner.Format3Result r = runner.runFormat3(t, store, options, config.keep(), ctx.keys().get(), scratch);
                return new SnapshotOutcome(spec, config.keep(), m.manifestName(), null, r.snapshot(), null, null, r.tree(), r.removed(), null, null);
            }
            SnapshotRunner.checkFormat3(store, options.codec(), ctx.keys().get());
            QuiescedCapture quiesce = new QuiescedCapture(c.quiescing().of(m), log);
            PlanRunner.Request request = new PlanRunner.Request(x -> c.options(x, ctx.instance(), m), List.of(spec),
                    s -> Targets.open(s, ctx.targets()), ctx.cache().resolve("staging"), null, ctx.zone(), quiesce)
                    .withFormats(s -> 3, Format3Parts.repositories(c, ctx, false));
            PlanRunner.Result staged = new PlanRunner(log).run(request);
            TreeImport.Result imported = staged.targets().stream().map(PlanRunner.TargetOutcome::imported).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            try {
                staged.throwIfFailed();
                OwuiException startFailed = quiesce.startFailure(imported.backupId());
                if (startFailed != null) {
                    throw startFailed;
                }
                Repository repo = Repository.open(store, ctx.instance(), scratch, log);
                SnapshotRunner.Finished f = runner.finishFormat3(t, repo, ctx.instance(), imported.backupId(), config.keep(), ctx.keys().get(), scratch);
                return new SnapshotOutcome(spec, config.keep(), m.manifestName(), null, null, staged, imported, f.tree(), f.removed(),
                        quiesce.downtime(), null);
            } catch (RuntimeException e) {
                return new SnapshotOutcome(spec, config.keep(), m.manifestName(), null, null, staged, imported, null, null, quiesce.downtime(), e);
            }
        }
    }
}
