package dev.owui.backup.config;

import dev.owui.backup.OwuiException;

/**
 * What owui:snapshot is asked to do: capture as {@code capture} says into the snapshot directory
 * {@code snapshotDir} (a path, file: or sftp:// URL, or a pom target's id), keeping the newest {@code keep}.
 *
 * @param postgres the instance's databases in PostgreSQL (dumped into a hot format 3 snapshot), or null (webui.db in the data directory)
 */
public record SnapshotConfig(CaptureConfig capture, String snapshotDir, int keep, PostgresConfig postgres) {
    public SnapshotConfig {
        if (snapshotDir == null || snapshotDir.isBlank()) {
            throw new OwuiException("no snapshot directory given",
                    "set owui.snapshotDir to a directory for the snapshots, e.g. -Dowui.snapshotDir=/srv/owui-snapshots");
        }
    }

    /** An instance on SQLite. */
    public SnapshotConfig(CaptureConfig capture, String snapshotDir, int keep) {
        this(capture, snapshotDir, keep, null);
    }
}
