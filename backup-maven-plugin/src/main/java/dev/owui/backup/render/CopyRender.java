package dev.owui.backup.render;

import dev.owui.backup.app.CopyResult;
import dev.owui.backup.repo.copy.MixedCopy;
import dev.owui.backup.repo.copy.RepoCopier;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An owui:copy result as the closing table of the console and the JSON report's {@code copy}
 * section (REPORT.md). A run that stopped early reports what it got to and prints no table; the
 * totals are there only when every destination succeeded.
 */
public final class CopyRender {
    private CopyRender() {
    }

    public static void render(CopyResult r, EngineLog log, JsonReport report) {
        section(r, report.section());
        if (r.stopped() == null) {
            log.info("");
            table(r).printTo(log);
        }
    }

    /** One row per backup at each destination, and a FAILED row for a destination that failed. */
    static Table table(CopyResult r) {
        Table table = new Table("destination", "backup", "result", "sent", "shared").right(3, 4);
        for (CopyResult.Destination d : r.destinations()) {
            for (MixedCopy.Copied c : d.copied()) {
                table.row(d.target().id(), c.backupId(), c.skipped() ? "already there" : "copied", Sizes.bytes(c.bytesSent()), Sizes.bytes(c.bytesShared()));
            }
            if (!d.ok()) {
                table.row(d.target().id(), "-", "FAILED", "-", "-");
            }
        }
        return table;
    }

    static void section(CopyResult r, Map<String, Object> s) {
        if (r.source() == null) {
            return;
        }
        s.put("instance", r.instance());
        s.put("plan", r.plan());
        s.put("from", Sections.ref(r.source().id(), r.source().url()));
        if (r.backupIds() == null) {
            return;
        }
        s.put("backupIds", r.backupIds());
        if (!r.destinations().isEmpty()) {
            List<Object> destinations = new ArrayList<>();
            r.destinations().forEach(d -> destinations.add(destination(d)));
            s.put("destinations", destinations);
        }
        if (r.succeeded()) {
            s.put("files", r.files());
            s.put("bytesTotal", r.bytesTotal());
            s.put("bytesSent", r.bytesSent());
        }
    }

    private static Map<String, Object> destination(CopyResult.Destination d) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", d.target().id());
        entry.put("url", d.target().url());
        entry.put("result", d.ok() ? "success" : "failure");
        entry.put("backups", d.copied().stream().map(CopyRender::backup).toList());
        if (d.retention() != null) {
            entry.put("retention", Sections.pruned(d.retention().decisions(), d.retention().policy(), false));
        }
        if (!d.ok()) {
            entry.put("error", JsonReport.error(d.failure()));
        }
        return entry;
    }

    private static Map<String, Object> backup(MixedCopy.Copied c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("backupId", c.backupId());
        row.put("action", c.skipped() ? "alreadyThere" : "copied");
        row.put("files", c.files());
        row.put("bytesSent", c.bytesSent());
        row.put("bytesShared", c.bytesShared());
        RepoCopier.Copied f3 = c.format3();
        if (f3 != null) {
            row.put("format", 3);
            row.put("objectsCopied", f3.objectsCopied());
            row.put("bytesCopied", f3.bytesCopied());
            row.put("objectsPresent", f3.objectsPresent());
            row.put("bytesPresent", f3.bytesPresent());
            row.put("objectsRepaired", f3.objectsRepaired());
        }
        return row;
    }
}
