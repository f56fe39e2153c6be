package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.engine.TreeImport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * owui:backup with owui.format=3. A hot backup to one target goes straight into the instance's
 * repository there ({@link RepoBackupRunner}: no staging), then the retention (if any) over every
 * backup there, whatever its format. Everything else (a cold or paused backup, several targets)
 * is captured once into the local staging directory by {@link PlanRunner}, exactly as format 2
 * does, and imported into each format 3 target's repository; this class gives the plan runner
 * what those targets need ({@link #repositories}) and reports the result as a format 3 backup.
 */
final class Format3Backup {
    /** What the run did: the backup made (for the report's backup section and the webhook). */
    record Outcome(RepoBackupRunner.Result last) {
    }

    private final BackupMojo mojo;
    private final EngineLog log;

    Format3Backup(BackupMojo mojo, EngineLog log) {
        this.mojo = mojo;
        this.log = log;
    }

    /** Whether {@code specs} in mode {@code m} are backed up straight into the repository (one target, hot, format 3). */
    static boolean direct(List<TargetSpec> specs, dev.owui.backup.capture.BackupOptions.Mode m, ToIntFunction<TargetSpec> format) {
        return specs.size() == 1 && m == dev.owui.backup.capture.BackupOptions.Mode.HOT && format.applyAsInt(specs.get(0)) == 3;
    }

    /** What format 3 targets of a staged run need: their object store, the import's settings, scratch space. */
    static PlanRunner.Repositories repositories(AbstractCaptureMojo mojo, boolean zstdByDefault) {
        TargetContext ctx = mojo.targetContext();
        Path cache = mojo.format3Cache();
        TreeImport.Options imports = new TreeImport.Options(mojo.codecSettings(zstdByDefault), mojo.decryptionKeys(), cache.resolve("capture"),
                mojo.format3Options(zstdByDefault).pageMapCache(), mojo.format3Options(zstdByDefault).threads(), mojo.format3Options(zstdByDefault).full());
        return new PlanRunner.Repositories(s -> RepoStores.open(s, ctx), imports, cache.resolve("scratch"));
    }

    Outcome run(List<TargetSpec> specs, Policy retention) {
        if (specs.size() != 1) {
            throw new IllegalArgumentException("a direct format 3 backup has one target; several are staged (PlanRunner)");
        }
        RepoBackupRunner.Options options = mojo.format3Options(true);
        // Before any repository.json is created: a missing data directory is no reason to touch a target.
        DataDirectory.open(options.dataDir());
        TargetContext ctx = mojo.targetContext();
        TargetSpec spec = specs.get(0);
        Map<String, Object> e = BackupMojo.reportTarget(spec, null);
        mojo.report().section().put("format", 3);
        mojo.report().section().put("targets", List.of(e));
        try (ObjectStore store = RepoStores.open(spec, ctx); Target trees = Targets.open(spec, ctx)) {
            e.put("location", store.location());
            Repository repo = RepoStores.repository(store, mojo.instance, mojo.format3Cache().resolve("scratch"), log);
            RepoBackupRunner.Result r = new RepoBackupRunner(log).run(repo, options, trees);
            mojo.report().section().putAll(ReportSections.backup(r));
            e.put("result", "success");
            e.put("backupId", r.backupId());
            e.put("format", 3);
            e.put("stored", true);
            e.put("bytesSent", r.bytesWritten());
            e.put("bytesShared", r.bytesReused());
            e.put("pruned", List.of());
            summarize(log, r, "backup");
            if (retention != null) {
                retain(trees, store, retention, r.backupId(), e);
            }
            return new Outcome(r);
        } catch (OwuiException x) {
            e.put("result", "failure");
            e.put("error", Map.of("message", x.getMessage()));
            throw x;
        }
    }

    /**
     * Reports a staged run that wrote at least one format 3 target: the backup section as a
     * format 3 backup's (from the first target that stored it), each target's entry with its
     * format and the id the backup has there, and the closing summary. Returns that import, or
     * null when no format 3 target stored it (then the capture is reported as format 2 reports it).
     */
    static TreeImport.Result report(AbstractOwuiMojo mojo, EngineLog log, List<TargetSpec> specs, PlanRunner.Result r) {
        TreeImport.Result first = r.targets().stream().map(PlanRunner.TargetOutcome::imported).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        boolean all3 = r.targets().stream().allMatch(t -> t.format() == 3);
        mojo.report().section().putAll(first == null || !all3 ? ReportSections.backup(r.backup()) : ReportSections.backup(r.backup(), first));
        mojo.report().section().put("staged", r.staged());
        mojo.report().section().put("targets", java.util.stream.IntStream.range(0, specs.size())
                .mapToObj(i -> BackupMojo.reportTarget(specs.get(i), r.targets().get(i))).toList());
        BackupMojo.summarize(log, r.backup(), "capture");
        BackupMojo.summarizeTargets(log, r);
        if (first != null) {
            databases(log, first.databases());
            complete(log, "backup", first.head(), r.backup().warnings().size());
        }
        return first;
    }

    /** The plan's retention at a target that now holds {@code id}; a failure is the target's, the backup stays. */
    private void retain(Target t, ObjectStore store, Policy retention, String id, Map<String, Object> e) {
        try {
            MixedPruner.Outcome o = MixedPruner.apply(t, store, mojo.instance, retention, mojo.zone(), id, false,
                    mojo.decryptionKeys(), mojo.format3Cache().resolve("scratch"), log);
            e.put("pruned", o.decisions().stream().filter(d -> !d.keep()).map(Decision::backupId).toList());
        } catch (OwuiException x) {
            throw new OwuiException("backup " + id + " is stored, but retention (" + retention + ") failed: " + x.getMessage(),
                    x.remedy(), x);
        }
    }

    /** The closing summary, as today's backup prints it, plus what each database's layers became. */
    static void summarize(EngineLog log, RepoBackupRunner.Result r, String what) {
        long total = r.phases().values().stream().mapToLong(Long::longValue).sum();
        log.info("");
        Table phases = new Table("phase", "time").right(1);
        r.phases().forEach((k, v) -> phases.row(k, Sizes.seconds(v)));
        phases.row("total", Sizes.seconds(total));
        phases.printTo(log);
        log.info("");
        new Table("files", "size", "written", "reused", "objects written").right(0, 1, 2, 3, 4)
                .row(Sizes.count(r.files()), Sizes.bytes(r.bytes()), Sizes.bytes(r.bytesWritten()), Sizes.bytes(r.bytesReused()),
                        Sizes.count(r.objectsWritten()))
                .printTo(log);
        databases(log, r.databases());
        complete(log, what, r.head(), r.warnings().size());
    }

    /** The closing line of a format 3 backup or snapshot, however it was made. */
    private static void complete(EngineLog log, String what, dev.owui.backup.repo.backup.BackupHead head, int warnings) {
        log.info("");
        var facts = head.openWebUi();
        String schema = facts == null || facts.schemaRevision() == null ? "none" : facts.schemaRevision();
        log.info(what + " " + head.backupId() + " complete (format 3): " + head.instance() + " at schema revision " + schema
                + (warnings == 0 ? "" : ", " + warnings + " warning(s) above"));
    }

    /** What each database's layers became. */
    private static void databases(EngineLog log, List<RepoBackupRunner.DatabaseDecision> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        log.info("");
        Table dbs = new Table("database", "decision", "pages", "changed", "layers", "stored").right(2, 3, 4, 5);
        for (RepoBackupRunner.DatabaseDecision d : decisions) {
            dbs.row(d.path(), d.kind() + (d.why() == null ? "" : " (" + d.why() + ")"), Sizes.count(d.pageCount()),
                    Sizes.count(d.changedPages()), String.valueOf(d.layers()), Sizes.bytes(d.storedBytes()));
        }
        dbs.printTo(log);
    }
}
