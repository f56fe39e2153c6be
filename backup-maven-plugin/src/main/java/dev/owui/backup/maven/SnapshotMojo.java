package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.backup.CaptureWrapper;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.store.Target;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Takes a point-in-time snapshot: a complete tree named by its time in which every file unchanged
 * since the previous snapshot is a hard link to it, then keeps the newest {@code owui.keep}. The
 * roll-back point before an Open WebUI upgrade. owui:list, owui:restore and owui:verify take the
 * snapshot directory as their owui.target.
 */
@Mojo(name = "snapshot", requiresProject = false, threadSafe = true)
public class SnapshotMojo extends AbstractCaptureMojo {

    /** Where snapshots are kept: a directory (local disk or a mounted NAS) or a {@code file:} URL. */
    @Parameter(property = "owui.snapshotDir")
    private String snapshotDir;

    /** How many of the newest complete snapshots to keep; older ones are removed after a successful snapshot. */
    @Parameter(property = "owui.keep", defaultValue = "7")
    private int keep;

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
}
