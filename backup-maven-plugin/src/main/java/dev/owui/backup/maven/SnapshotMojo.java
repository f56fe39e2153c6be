package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.backup.CaptureWrapper;
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
import java.util.LinkedHashMap;
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
     * The storage format: {@code 2} (default) writes a complete tree per snapshot; {@code 3}
     * (preview) a backup into the instance's format 3 repository at owui.snapshotDir plus its
     * browsable tree {@code trees/<id>/} (FORMAT.md, "Browsable trees"), hot snapshots only.
     */
    @Parameter(property = "owui.format", defaultValue = "2")
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
        if (snapshotFormat() == 3) {
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
            log.info("the instance was " + (m == BackupOptions.Mode.COLD ? "stopped" : "frozen") + " for "
                    + dev.owui.backup.report.Sizes.seconds(quiesce.downtime().toNanos()) + " (the snapshot's capture)");
            report().section().put("downtimeMs", quiesce.downtime().toMillis());
            quiesce.throwIfStartFailed(r.snapshot().manifest().backupId());
        }
        log.info("kept the newest " + keep + " snapshot(s)" + (r.removed().isEmpty() ? "" : "; removed " + String.join(", ", r.removed())));
    }

    /** owui.format: 2 (trees) or 3 (the repository and a browsable tree); anything else fails before any work. */
    int snapshotFormat() {
        String f = format == null || format.isBlank() ? "2" : format.trim();
        return switch (f) {
            case "2" -> 2;
            case "3" -> 3;
            default -> throw new OwuiException("owui.format=" + f + " is not a format owui:snapshot writes",
                    "use 2 (the default: a complete tree per snapshot) or 3 (preview: the repository plus a browsable tree, FORMAT.md)");
        };
    }

    /** A format 3 snapshot: {@link SnapshotRunner#runFormat3} at the snapshot directory, local or SFTP. */
    private void runFormat3(BackupOptions.Mode m, EngineLog log) {
        if (m != BackupOptions.Mode.HOT) {
            // TODO(issue 11): cold and paused format 3 snapshots through the staged capture another change builds for format 3.
            throw new OwuiException("owui.format=3 does not take " + m.manifestName() + " snapshots yet (only hot ones)",
                    "use owui.format=2 (the default) for cold and paused snapshots, or owui.mode=hot");
        }
        TargetSpec spec = targetSpec(snapshotDir);
        if ("s3".equals(spec.scheme())) {
            throw new OwuiException("owui.snapshotDir=" + spec.url() + ": a format 3 snapshot builds a browsable tree of hard links,"
                    + " which S3 has not", "snapshot to a local directory or sftp://, or back up to S3 with owui:backup -Dowui.format=3");
        }
        RepoBackupRunner.Options options = format3Options();
        dev.owui.backup.instance.DataDirectory.open(options.dataDir()); // before repository.json is created: nothing to snapshot, nothing touched
        TargetContext ctx = targetContext();
        SnapshotRunner.Format3Result r;
        try (Target t = Targets.open(spec, ctx); ObjectStore store = RepoStores.open(spec, ctx)) {
            r = new SnapshotRunner(log).runFormat3(t, store, options, keep, decryptionKeys(), format3Cache().resolve("scratch"));
        }
        Format3Backup.summarize(log, r.snapshot(), "snapshot");
        BrowsableTrees.Result tree = r.tree();
        log.info("browsable tree: " + tree.path() + " (" + tree.linked() + " file(s) hard-linked, " + tree.decoded() + " decoded, "
                + tree.databases() + " database(s) reassembled); cp -a " + tree.path() + "/. <dataDir>/ restores it");
        report().section().putAll(ReportSections.backup(r.snapshot()));
        report().section().put("removed", r.removed());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("path", tree.path());
        t.put("linked", tree.linked());
        t.put("decoded", tree.decoded());
        t.put("databases", tree.databases());
        report().section().put("tree", t);
        log.info("kept the newest " + keep + " snapshot(s)" + (r.removed().isEmpty() ? "" : "; removed " + String.join(", ", r.removed())));
    }
}
