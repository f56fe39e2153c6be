package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.store.Target;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;

/** Lists the complete backups of an instance at a target, newest first. */
@Mojo(name = "list", requiresProject = false, threadSafe = true)
public class ListMojo extends AbstractTargetMojo {

    @Override
    protected String goal() {
        return "list";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        forEachTarget((spec, t) -> {
            Catalog catalog = new Catalog(t, instance);
            List<String> ids = catalog.ids();
            List<Object> reported = new java.util.ArrayList<>();
            targetReport().put("location", t.location());
            targetReport().put("backups", reported);
            if (ids.isEmpty()) {
                List<String> others = t.instances();
                log.info("no backups of instance '" + instance + "' at " + t.location()
                        + (others.isEmpty() ? "" : " (instances there: " + String.join(", ", others) + ")"));
            } else {
                Table table = new Table("backup", "started (UTC)", "mode", "size", "written", "files", "schema", "storage").right(3, 4, 5);
                for (int i = ids.size() - 1; i >= 0; i--) {
                    String id = ids.get(i);
                    try {
                        Manifest m = catalog.summary(id);
                        reported.add(ReportSections.summary(m));
                        table.row(id, m.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), m.mode(), Sizes.bytes(m.totals().bytes()), Sizes.bytes(m.totals().bytesWritten()),
                                Sizes.count(m.totals().files()), m.openWebUi() == null ? "" : m.openWebUi().schemaRevision(),
                                m.storage() == null ? "plain" : m.storage().describe());
                    } catch (OwuiException e) {
                        table.row(id, "unreadable manifest", "", "", "", "", "", "");
                        reported.add(java.util.Map.of("backupId", id, "unreadable", e.problem()));
                    }
                }
                log.info("backups of instance '" + instance + "' at " + t.location() + ", newest first:");
                table.printTo(log);
            }
            List<String> incomplete = t.incomplete(instance);
            targetReport().put("incomplete", incomplete);
            if (!incomplete.isEmpty()) {
                log.info(incomplete.size() + " incomplete tree(s), not backups (an interrupted run or one in progress): " + String.join(", ", incomplete));
            }
        });
    }
}
