package dev.owui.backup.app;

import dev.owui.backup.format.Manifest;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.tree.BrowsableTrees;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.store.TargetSpec;
import java.time.Duration;
import java.util.List;

/**
 * What owui:snapshot did, as data for its renderer. One of {@code trees} (format 2), {@code direct}
 * (a hot format 3 snapshot) and {@code staged} (a cold or paused format 3 one, captured, then
 * imported) is set once the snapshot was taken.
 *
 * @param spec      the snapshot directory
 * @param keep      how many snapshots are kept
 * @param mode      hot, paused or cold
 * @param trees     a format 2 snapshot and what its rotation removed, or null
 * @param direct    a hot format 3 snapshot, or null
 * @param staged    the capture of a cold or paused format 3 snapshot, or null
 * @param imported  what its import into the repository stored, or null
 * @param tree      a format 3 snapshot's browsable tree, or null (not built, or format 2)
 * @param removed   what the rotation removed (format 3), or null when it did not run
 * @param downtime  how long a cold or paused capture stopped or froze the instance, or null
 * @param failure   what failed the snapshot after the capture, or null
 */
public record SnapshotOutcome(TargetSpec spec, int keep, String mode, SnapshotRunner.Result trees, RepoBackupRunner.Result direct,
                              PlanRunner.Result staged, TreeImport.Result imported, BrowsableTrees.Result tree, List<String> removed,
                              Duration downtime, RuntimeException failure) {

    public boolean failed() {
        return failure != null;
    }

    /**
     * What the snapshot made, for its notification: the backup's id, files and bytes, what this run
     * wrote and the warnings it logged; null before a snapshot was taken.
     */
    public Made made() {
        if (trees != null) {
            Manifest m = trees.snapshot().manifest();
            return new Made(m.backupId(), m.totals().files(), m.totals().bytes(), m.totals().bytesWritten(), trees.snapshot().warnings().size());
        }
        if (direct != null) {
            Manifest.Totals t = direct.head().totals();
            return new Made(direct.backupId(), t.files(), t.bytes(), direct.bytesWritten(), direct.warnings().size());
        }
        if (staged != null) {
            Manifest m = staged.backup().manifest();
            return new Made(m.backupId(), m.totals().files(), m.totals().bytes(), imported == null ? m.totals().bytesWritten() : imported.bytesWritten(),
                    staged.backup().warnings().size());
        }
        return null;
    }

    /** A snapshot as its notification reports it. */
    public record Made(String backupId, long files, long bytes, long written, int warnings) {
    }

    /** Fails the goal with what failed the snapshot, after it was rendered. */
    public void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }
}
