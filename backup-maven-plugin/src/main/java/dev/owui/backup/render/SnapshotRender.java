package dev.owui.backup.render;

import dev.owui.backup.app.SnapshotOutcome;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.repo.tree.BrowsableTrees;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** owui:snapshot's result as console lines and as the report's snapshot section. */
public final class SnapshotRender {
    private SnapshotRender() {
    }

    /** Renders {@code o} to {@code log} and into the report's {@code section}. */
    public static void render(SnapshotOutcome o, EngineLog log, Map<String, Object> section) {
        if (o.trees() != null) {
            BackupRender.summarize(log, o.trees().snapshot(), "snapshot");
            section.putAll(BackupSections.backup(o.trees().snapshot()));
            section.put("removed", o.trees().removed());
            downtime(o, log, section);
            if (!o.failed()) {
                kept(log, o.keep(), o.trees().removed());
            }
            return;
        }
        if (o.direct() != null) {
            BackupRender.summarize(log, o.direct(), "snapshot");
            section.putAll(BackupSections.backup(o.direct()));
        } else if (o.staged() != null) {
            BackupRender.staged(o.staged(), o.imported(), List.of(o.spec()), log, section);
            // A snapshot has one place: its section reads as a hot snapshot's does, without a backup's target list.
            section.remove("staged");
            section.remove("targets");
            downtime(o, log, section);
        }
        if (o.tree() != null) {
            tree(log, o.tree(), o.removed(), section);
            kept(log, o.keep(), o.removed());
        }
    }

    /** How long a cold or paused snapshot stopped or froze the instance: a log line and the report's downtimeMs. */
    private static void downtime(SnapshotOutcome o, EngineLog log, Map<String, Object> section) {
        if (o.downtime() == null) {
            return;
        }
        log.info("the instance was " + ("cold".equals(o.mode()) ? "stopped" : "frozen") + " for " + Sizes.seconds(o.downtime().toNanos())
                + " (the snapshot's capture)");
        section.put("downtimeMs", o.downtime().toMillis());
    }

    private static void tree(EngineLog log, BrowsableTrees.Result tree, List<String> removed, Map<String, Object> section) {
        log.info("browsable tree: " + tree.path() + " (" + tree.linked() + " file(s) hard-linked, " + tree.decoded() + " decoded, "
                + tree.databases() + " database(s) reassembled); cp -a " + tree.path() + "/. <dataDir>/ restores it");
        section.put("removed", removed);
        Map<String, Object> tr = new LinkedHashMap<>();
        tr.put("path", tree.path());
        tr.put("linked", tree.linked());
        tr.put("decoded", tree.decoded());
        tr.put("databases", tree.databases());
        section.put("tree", tr);
    }

    private static void kept(EngineLog log, int keep, List<String> removed) {
        log.info("kept the newest " + keep + " snapshot(s)" + (removed.isEmpty() ? "" : "; removed " + String.join(", ", removed)));
    }
}
