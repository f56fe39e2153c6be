package dev.owui.backup.render;

import dev.owui.backup.app.ListGoal.Listed;
import dev.owui.backup.app.ListGoal.Row;
import dev.owui.backup.app.PerTarget;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.repo.backup.BackupHead;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** owui:list's console table and its report entries, per target. */
public final class ListRender {
    private final EngineLog log;
    private final JsonReport report;
    private final String instance;

    public ListRender(EngineLog log, JsonReport report, String instance) {
        this.log = log;
        this.report = report;
        this.instance = instance;
    }

    /** One target's lines and report entry. */
    public void target(PerTarget.Outcome<Listed> o) {
        TargetEntries.render(report, o, this::print);
    }

    private void print(Listed l, Map<String, Object> entry) {
        List<Object> reported = new ArrayList<>();
        entry.put("location", l.location());
        entry.put("backups", reported);
        if (l.rows().isEmpty()) {
            log.info("no backups of instance '" + instance + "' at " + l.location()
                    + (l.otherInstances().isEmpty() ? "" : " (instances there: " + String.join(", ", l.otherInstances()) + ")"));
        } else {
            Table table = new Table("backup", "format", "started (UTC)", "mode", "size", "written", "files", "schema", "storage").right(4, 5, 6);
            for (Row row : l.rows()) {
                String id = row.backupId();
                if (row.unreadable() != null) {
                    table.row(id, String.valueOf(row.format()), row.format() == 3 ? "unreadable head" : "unreadable manifest", "", "", "", "", "", "");
                    reported.add(Map.of("backupId", id, "format", row.format(), "unreadable", row.unreadable()));
                } else if (row.head() != null) {
                    BackupHead h = row.head();
                    reported.add(BackupSections.summary(h));
                    table.row(id, "3", h.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), h.mode(), Sizes.bytes(h.totals().bytes()),
                            Sizes.bytes(h.totals().bytesWritten()), Sizes.count(h.totals().files()),
                            h.openWebUi() == null ? "" : h.openWebUi().schemaRevision(), h.storage() == null ? "plain" : h.storage().describe());
                } else {
                    Manifest m = row.manifest();
                    Map<String, Object> summary = BackupSections.summary(m);
                    summary.put("format", m.formatVersion());
                    reported.add(summary);
                    table.row(id, String.valueOf(m.formatVersion()), m.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), m.mode(),
                            Sizes.bytes(m.totals().bytes()), Sizes.bytes(m.totals().bytesWritten()), Sizes.count(m.totals().files()),
                            m.openWebUi() == null ? "" : m.openWebUi().schemaRevision(), m.storage() == null ? "plain" : m.storage().describe());
                }
            }
            log.info("backups of instance '" + instance + "' at " + l.location() + ", newest first:");
            table.printTo(log);
        }
        entry.put("incomplete", l.incomplete());
        if (!l.incomplete().isEmpty()) {
            log.info(l.incomplete().size() + " incomplete tree(s), not backups (an interrupted run or one in progress): " + String.join(", ", l.incomplete()));
        }
    }
}
