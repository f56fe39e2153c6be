package dev.owui.backup.render;

import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.backup.BackupHead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a backup says of itself, as the JSON report's object (REPORT.md): owui:list's entries and
 * the start of owui:backup's section. Field names are the report's published contract.
 */
public final class BackupSummary {
    private BackupSummary() {
    }

    /** What a manifest says of its backup. */
    public static Map<String, Object> of(Manifest m) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("backupId", m.backupId());
        b.put("instance", m.instance());
        b.put("host", m.host());
        b.put("mode", m.mode());
        b.put("startedAt", m.startedAt());
        b.put("finishedAt", m.finishedAt());
        b.put("schemaRevision", m.openWebUi() == null ? null : m.openWebUi().schemaRevision());
        b.put("files", m.totals().files());
        b.put("bytesTotal", m.totals().bytes());
        b.put("bytesWritten", m.totals().bytesWritten());
        b.put("storage", m.storage() == null ? "plain" : m.storage().describe());
        b.put("encrypted", m.storage() != null && m.storage().encrypted());
        return b;
    }

    /** What a format 3 head says of its backup: {@link #of(Manifest)}'s names, and {@code format}. */
    public static Map<String, Object> of(BackupHead h) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("backupId", h.backupId());
        b.put("format", 3);
        b.put("instance", h.instance());
        b.put("host", h.host());
        b.put("mode", h.mode());
        b.put("startedAt", h.startedAt());
        b.put("finishedAt", h.finishedAt());
        b.put("schemaRevision", h.openWebUi() == null ? null : h.openWebUi().schemaRevision());
        b.put("files", h.totals().files());
        b.put("bytesTotal", h.totals().bytes());
        b.put("bytesWritten", h.totals().bytesWritten());
        b.put("storage", h.storage() == null ? "plain" : h.storage().describe());
        b.put("encrypted", h.storage() != null && h.storage().encrypted());
        return b;
    }
}
