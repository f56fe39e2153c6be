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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * owui:backup with owui.format=3: {@link RepoBackupRunner} into the instance's repository at each
 * target, then the retention (if any) over every backup there, whatever its format. Several
 * targets each get a backup of their own (a capture per target): format 3 has no way yet to copy
 * a staged backup into a repository, and a hot capture costs seconds, so capturing again is the
 * simplest way that leaves every target consistent. One failing target does not stop the others.
 */
final class Format3Backup {
    /** What the run did: the last backup made (for the report's backup section and the webhook). */
    record Outcome(RepoBackupRunner.Result last) {
    }

    private final BackupMojo mojo;
    private final EngineLog log;

    Format3Backup(BackupMojo mojo, EngineLog log) {
        this.mojo = mojo;
        this.log = log;
    }

    Outcome run(List<TargetSpec> specs, Policy retention) {
        RepoBackupRunner.Options options = mojo.format3Options();
        // Before any repository.json is created: a missing data directory is no reason to touch a target.
        DataDirectory.open(options.dataDir());
        TargetContext ctx = mojo.targetContext();
        if (specs.size() > 1) {
            log.info("owui.format=3: each of the " + specs.size() + " targets gets a backup of its own (a capture per target)");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        specs.forEach(s -> entries.add(BackupMojo.reportTarget(s, null)));
        mojo.report().section().put("format", 3);
        mojo.report().section().put("targets", entries);
        RepoBackupRunner.Result last = null;
        List<String> failed = new ArrayList<>();
        OwuiException firstFailure = null;
        for (int i = 0; i < specs.size(); i++) {
            TargetSpec spec = specs.get(i);
            Map<String, Object> e = entries.get(i);
            try (ObjectStore store = RepoStores.open(spec, ctx)) {
                e.put("location", store.location());
                Repository repo = RepoStores.repository(store, mojo.instance, mojo.format3Cache().resolve("scratch"), log);
                RepoBackupRunner.Result r = new RepoBackupRunner(log).run(repo, options);
                last = r;
                mojo.report().section().putAll(ReportSections.backup(r));
                e.put("result", "success");
                e.put("backupId", r.backupId());
                e.put("stored", true);
                e.put("bytesSent", r.bytesWritten());
                e.put("bytesShared", r.bytesReused());
                e.put("pruned", List.of());
                summarize(log, r, "backup");
                if (retention != null) {
                    retain(spec, ctx, store, retention, r.backupId(), e);
                }
            } catch (OwuiException x) {
                e.put("result", "failure");
                e.put("error", Map.of("message", x.getMessage()));
                if (specs.size() == 1) {
                    throw x;
                }
                log.warn("target " + spec.id() + ": " + x.getMessage());
                failed.add(spec.id() + ": " + x.getMessage());
                firstFailure = firstFailure == null ? x : firstFailure;
            }
        }
        if (!failed.isEmpty()) {
            throw new OwuiException("format 3 backup failed at " + failed.size() + " of " + specs.size() + " target(s) ("
                    + String.join("; ", failed) + ")", "fix what each failed target names and run again", firstFailure);
        }
        return new Outcome(last);
    }

    /** The plan's retention at a target that now holds {@code id}; a failure is the target's, the backup stays. */
    private void retain(TargetSpec spec, TargetContext ctx, ObjectStore store, Policy retention, String id, Map<String, Object> e) {
        try (Target t = Targets.open(spec, ctx)) {
            MixedPruner.Outcome o = MixedPruner.apply(t, store, mojo.instance, retention, mojo.zone(), id, false,
                    mojo.decryptionKeys(), mojo.format3Cache().resolve("scratch"), log);
            e.put("pruned", o.decisions().stream().filter(d -> !d.keep()).map(Decision::backupId).toList());
        } catch (OwuiException x) {
            throw new OwuiException("backup " + id + " is stored, but retention (" + retention + ") failed: " + x.getMessage(),
                    x.remedy(), x);
        }
    }

    /** The closing summary, as today's backup prints it, plus what each database's layers became (snapshot's too). */
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
        if (!r.databases().isEmpty()) {
            log.info("");
            Table dbs = new Table("database", "decision", "pages", "changed", "layers", "stored").right(2, 3, 4, 5);
            for (RepoBackupRunner.DatabaseDecision d : r.databases()) {
                dbs.row(d.path(), d.kind() + (d.why() == null ? "" : " (" + d.why() + ")"), Sizes.count(d.pageCount()),
                        Sizes.count(d.changedPages()), String.valueOf(d.layers()), Sizes.bytes(d.storedBytes()));
            }
            dbs.printTo(log);
        }
        log.info("");
        var facts = r.head().openWebUi();
        String schema = facts == null || facts.schemaRevision() == null ? "none" : facts.schemaRevision();
        log.info(what + " " + r.backupId() + " complete (format 3): " + r.head().instance() + " at schema revision " + schema
                + (r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warning(s) above"));
    }
}
