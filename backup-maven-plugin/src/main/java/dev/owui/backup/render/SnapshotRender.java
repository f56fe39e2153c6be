package dev.owui.backup.render;

import dev.owui.backup.app.SnapshotOutcome;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.store.TargetSpec;
import java.nio.file.Path;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.repo.tree.BrowsableTrees;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
        if (o.direct() != null) {
            rollBack(log, o.spec(), o.direct().head());
        }
    }

    /**
     * For a PostgreSQL instance: the browsable tree holds the data directory only, and an upgrade
     * migrates the database, so the roll-back point is only whole with the database's: how to
     * restore it (owui:restore, or pg_restore by hand). Names the server, never a password.
     */
    private static void rollBack(EngineLog log, TargetSpec spec, BackupHead head) {
        List<BackupHead.PgDump> dumps = head.postgres();
        if (dumps == null || dumps.isEmpty()) {
            return;
        }
        BackupHead.PgDump main = dumps.stream().filter(d -> BackupHead.PgDump.MAIN.equals(d.role())).findFirst().orElse(dumps.get(0));
        log.info("the database is not in the browsable tree: the snapshot holds " + dumps.size() + " dump(s) ("
                + dumps.stream().map(d -> d.role() + " of " + d.server()).collect(Collectors.joining(", "))
                + "). To roll back, stop Open WebUI, then restore files and database together (the database there is renamed aside, never dropped):");
        log.info("  mvn owui:restore -Dowui.target=" + spec.url() + " -Dowui.instance=" + head.instance() + " -Dowui.backupId=" + head.backupId()
                + " -Dowui.dataDir=" + head.dataDir() + " -Dowui.databaseUrl=postgresql://" + main.server()
                + " -Dowui.databaseServerId=<server> -Dowui.force=true   (or -Dowui.envFile=<the compose .env> for the login, as for this snapshot)");
        for (BackupHead.PgDump d : dumps) {
            log.info("  or by hand, the " + d.role() + " dump decoded from the repository (FORMAT.md, \"By hand\"): "
                    + d.byHand(Path.of(d.path().substring(Entry.PG_DUMPS.length()))));
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
