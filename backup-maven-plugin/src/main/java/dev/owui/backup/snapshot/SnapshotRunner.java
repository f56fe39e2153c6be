package dev.owui.backup.snapshot;

import dev.owui.backup.OwuiException;
import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.backup.BackupRunner;
import dev.owui.backup.backup.CaptureWrapper;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A point-in-time snapshot: a backup in the same format (databases through the backup API,
 * unchanged files hard links to the previous snapshot, the tree complete only with its
 * manifest), then rotation to the newest {@code keep}. The roll-back point to take before an
 * upgrade, since Open WebUI migrates its database in place and cannot go back.
 */
public final class SnapshotRunner {
    private final EngineLog log;

    public SnapshotRunner(EngineLog log) {
        this.log = log;
    }

    /** The snapshot made and the snapshots rotation removed. */
    public record Result(BackupResult snapshot, List<String> removed) {
    }

    public Result run(BackupOptions options, int keep) {
        return run(options, keep, CaptureWrapper.HOT);
    }

    /** A snapshot whose capture runs inside {@code wrapper} (cold or paused: stop → capture → start). */
    public Result run(BackupOptions options, int keep, CaptureWrapper wrapper) {
        Policy policy = Policy.keepLast(keep);
        BackupResult made = wrapper.around(() -> new BackupRunner(log).run(options));
        String id = made.manifest().backupId();
        try {
            List<String> removed = Pruner.apply(options.target(), options.instance(), policy, ZoneOffset.UTC, id, false, log).stream()
                    .filter(d -> !d.keep()).map(Decision::backupId).toList();
            return new Result(made, removed);
        } catch (OwuiException e) {
            throw new OwuiException("snapshot " + id + " is complete, but removing old snapshots failed: " + e.problem(), e.remedy(), e);
        }
    }
}
