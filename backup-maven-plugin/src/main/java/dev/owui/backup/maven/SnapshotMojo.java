package dev.owui.backup.maven;

import dev.owui.backup.app.SnapshotOutcome;
import dev.owui.backup.config.SnapshotConfig;
import dev.owui.backup.render.SnapshotRender;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Takes a point-in-time snapshot: a complete tree named by its time in which every file unchanged
 * since the previous snapshot is a hard link to it, then keeps the newest {@code owui.keep}. The
 * roll-back point before an Open WebUI upgrade. owui:list, owui:restore and owui:verify take the
 * snapshot directory as their owui.target. With owui.format=3, a format 3 backup into the
 * instance's repository there, plus its browsable tree {@code trees/<id>/}. An instance whose
 * database is in PostgreSQL (owui.databaseUrl or owui.envFile) gets a hot format 3 snapshot holding
 * its dump beside the tree; cold, paused and format 2 ones are refused before any work.
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
        var run = owui("snapshot", null, () -> new SnapshotConfig(captureConfig(format, null), snapshotDir, keep, postgresConfig()));
        SnapshotOutcome outcome = run.owui().snapshot(run.config());
        SnapshotRender.render(outcome, run.owui().context().log(), report().section());
        outcome.throwIfFailed();
    }
}
