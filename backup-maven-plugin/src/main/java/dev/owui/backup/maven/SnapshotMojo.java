package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.tree.BrowsableTrees;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.TreeImport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Takes a point-in-time snapshot: a complete tree named by its time in which every file unchanged
 * since the previous snapshot is a hard link to it, then keeps the newest {@code owui.keep}. The
 * roll-back point before an Open WebUI upgrade. owui:list, owui:restore and owui:verify take the
 * snapshot directory as their owui.target. With owui.format=3, a format 3 backup into the
 * instance's repository there, plus its browsable tree {@code trees/<id>/}.
 */
@Mojo(name = "snapshot", requiresProject = false, threadSafe = true)
public class SnapshotMojo extends AbstractCaptureMojo {

    /** Where snapshots are kept: a directory (local disk or a mounted NAS), a {@code file:} URL or {@code sftp://…}. */
    @Parameter(property = "owui.snapshotDir")
    private String snapshotDir;

    /** How many of the newest complete snapshots to keep; older ones are removed after a successful snapshot. */
    @Parameter(property = "owui.keep", defaultValue = "7")
    private int keep;

    /**
     * The storage format. {@code auto} (default): format 3 at a local or SFTP snapshot directory
     * that is new for the instance or already holds its repository: a backup into the instance's
     * format 3 repository plus its browsable tree {@code trees/<id>/} (FORMAT.md, "Browsable
     * trees"); format 2 (a complete tree per snapshot) where the directory holds only format 1/2
     * snapshots of the instance, and on S3. {@code 3} or {@code 2} choose.
     */
    @Parameter(property = "owui.format", defaultValue = "auto")
    private String format;

    @Override
    protected String goal() {
        return "snapshot";
    }

    @Override
    protected void run() {
        if (snapshotDir == null || snapshotDir.isBlank()) {
            throw new OwuiException("no snapshot directory given",
                    "set owui.snapshotDir to a directory for the snapshots, e.g. -Dowui.snapshotDir=/srv/owui-snapshots");
        }
        EngineLog log = engineLog();
        BackupOptions.Mode m = BackupOptions.Mode.parse(mode == null || mode.isBlank() ? "hot" : mode);
        if (snapshotFormat(log) == 3) {
            runFormat3(m, log);
            return;
        }
        QuiesceCapture quiesce = quiesceCapture(m, log);
        SnapshotRunner.Result r;
        try (Target t = target(snapshotDir)) {
            r = new SnapshotRunner(log).run(options(t).withMode(m), keep, quiesce == null ? CaptureWrapper.HOT : quiesce);
        }
        BackupMojo.summarize(log, r.snapshot(), "snapshot");
        report().section().putAll(ReportSections.backup(r.snapshot()));
        report().section().put("removed", r.removed());
        if (quiesce != null) {
            reportDowntime(m, quiesce, log);
            quiesce.throwIfStartFailed(r.snapshot().manifest().backupId());
        }
        log.info("kept the newest " + keep + " snapshot(s)" + (r.removed().isEmpty() ? "" : "; removed " + String.join(", ", r.removed())));
    }

    /** owui.format: 2 (trees) or 3 (the repository and a browsable tree); auto decides by what the directory holds. */
    int snapshotFormat(EngineLog log) {
        dev.owui.backup.repo.FormatChoice choice = dev.owui.backup.repo.FormatChoice.parse(format); // a bad value fails before any work
        if (choice.isExplicit()) {
            return choice.explicitFormat();
        }
        TargetSpec spec = targetSpec(snapshotDir);
        // S3 has no folders for a browsable tree: snapshots there stay trees of server-side copies.
        if ("s3".equals(spec.scheme())) {
            return 2;
        }
        int f = choice.formatFor(spec, targetContext(), instance, log);
        if (f == 3 && codecSettings().encrypts() && decryptionKeys().isEmpty()) {
            // A format 3 snapshot's tree is plain, so it needs the key; a format 2 one stores encrypted files as they are.
            log.info("owui.format=auto: this snapshot is format 2, because it encrypts and no key to build a plain browsable tree was"
                    + " given (owui.secretKeyRing or the passphrase makes it format 3)");
            return 2;
        }
        return f;
    }

    /**
     * A format 3 snapshot at the snapshot directory, local or SFTP: hot, straight into the
     * repository ({@link SnapshotRunner#runFormat3}); cold or paused, captured into the staging
     * directory while the instance is stopped or frozen and imported into the repository as a
     * format 3 backup does ({@link PlanRunner}), then the same tree and rotation
     * ({@link SnapshotRunner#finishFormat3}).
     */
    private void runFormat3(BackupOptions.Mode m, EngineLog log) {
        TargetSpec spec = targetSpec(snapshotDir);
        if ("s3".equals(spec.scheme())) {
            throw new OwuiException("owui.snapshotDir=" + spec.url() + ": a format 3 snapshot builds a browsable tree of hard links,"
                    + " which S3 has not", "snapshot to a local directory or sftp://, or back up to S3 with owui:backup -Dowui.format=3");
        }
        RepoBackupRunner.Options options = format3Options(false);
        dev.owui.backup.instance.DataDirectory.open(options.dataDir()); // before repository.json is created: nothing to snapshot, nothing touched
        TargetContext ctx = targetContext();
        java.nio.file.Path scratch = format3Cache().resolve("scratch");
        BrowsableTrees.Result tree;
        List<String> removed;
        try (Target t = Targets.open(spec, ctx); ObjectStore store = RepoStores.open(spec, ctx)) {
            SnapshotRunner runner = new SnapshotRunner(log);
            if (m == BackupOptions.Mode.HOT) {
                SnapshotRunner.Format3Result r = runner.runFormat3(t, store, options, keep, decryptionKeys(), scratch);
                Format3Backup.summarize(log, r.snapshot(), "snapshot");
                report().section().putAll(ReportSections.backup(r.snapshot()));
                tree = r.tree();
                removed = r.removed();
            } else {
                SnapshotRunner.checkFormat3(store, options.codec(), decryptionKeys());
                QuiesceCapture quiesce = quiesceCapture(m, log);
                PlanRunner.Request request = new PlanRunner.Request(x -> options(x).withMode(m), List.of(spec), s -> Targets.open(s, ctx),
                        home().resolve(".cache/owui-backup/staging"), null, zone(), quiesce)
                        .withFormats(s -> 3, Format3Backup.repositories(this, false));
                PlanRunner.Result staged = new PlanRunner(log).run(request);
                TreeImport.Result imported = Format3Backup.report(this, log, List.of(spec), staged);
                // A snapshot has one place: its section reads as a hot snapshot's does, without a backup's target list.
                report().section().remove("staged");
                report().section().remove("targets");
                reportDowntime(m, quiesce, log);
                staged.throwIfFailed();
                quiesce.throwIfStartFailed(imported.backupId());
                Repository repo = Repository.open(store, instance, scratch, log);
                SnapshotRunner.Finished f = runner.finishFormat3(t, repo, instance, imported.backupId(), keep, decryptionKeys(), scratch);
                tree = f.tree();
                removed = f.removed();
            }
        }
        log.info("browsable tree: " + tree.path() + " (" + tree.linked() + " file(s) hard-linked, " + tree.decoded() + " decoded, "
                + tree.databases() + " database(s) reassembled); cp -a " + tree.path() + "/. <dataDir>/ restores it");
        report().section().put("removed", removed);
        Map<String, Object> tr = new LinkedHashMap<>();
        tr.put("path", tree.path());
        tr.put("linked", tree.linked());
        tr.put("decoded", tree.decoded());
        tr.put("databases", tree.databases());
        report().section().put("tree", tr);
        log.info("kept the newest " + keep + " snapshot(s)" + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed)));
    }

    /** How long a cold or paused snapshot stopped or froze the instance: a log line and the report's downtimeMs. */
    private void reportDowntime(BackupOptions.Mode m, QuiesceCapture quiesce, EngineLog log) {
        log.info("the instance was " + (m == BackupOptions.Mode.COLD ? "stopped" : "frozen") + " for "
                + dev.owui.backup.report.Sizes.seconds(quiesce.downtime().toNanos()) + " (the snapshot's capture)");
        report().section().put("downtimeMs", quiesce.downtime().toMillis());
    }
}
