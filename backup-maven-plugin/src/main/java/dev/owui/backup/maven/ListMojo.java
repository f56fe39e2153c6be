package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.store.Target;
import java.util.List;
import java.util.Optional;
import java.time.temporal.ChronoUnit;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.store.ObjectStore;
import org.apache.maven.plugins.annotations.Mojo;

/** Lists the complete backups of an instance at a target, newest first: format 1/2 trees and format 3 backups (heads) together. */
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
            List<String> trees = catalog.ids();
            try (ObjectStore store = RepoStores.open(spec, targetContext())) {
                // Never created here: a target with only format 1/2 trees stays as it was.
                Optional<Repository> repo = RepoAtTarget.existing(store, instance, home().resolve(".cache/owui-backup/format3/scratch"), log);
                List<String> heads = RepoAtTarget.ids(repo);
                // Both formats by id, newest first (an id in both is listed once per format).
                List<String[]> rows = new java.util.ArrayList<>();
                trees.forEach(id -> rows.add(new String[] {id, "2"}));
                heads.forEach(id -> rows.add(new String[] {id, "3"}));
                rows.sort((a, b) -> {
                    boolean va = BackupId.isValid(a[0]);
                    boolean vb = BackupId.isValid(b[0]);
                    int c = va && vb ? BackupId.compare(b[0], a[0]) : va != vb ? (va ? -1 : 1) : b[0].compareTo(a[0]);
                    return c != 0 ? c : b[1].compareTo(a[1]);
                });
                list(log, t, catalog, repo, rows);
            }
            List<String> incomplete = t.incomplete(instance);
            targetReport().put("incomplete", incomplete);
            if (!incomplete.isEmpty()) {
                log.info(incomplete.size() + " incomplete tree(s), not backups (an interrupted run or one in progress): " + String.join(", ", incomplete));
            }
        });
    }

    private void list(EngineLog log, Target t, Catalog catalog, Optional<Repository> repo, List<String[]> rows) {
        List<Object> reported = new java.util.ArrayList<>();
        targetReport().put("location", t.location());
        targetReport().put("backups", reported);
        if (rows.isEmpty()) {
            List<String> others = t.instances();
            log.info("no backups of instance '" + instance + "' at " + t.location()
                    + (others.isEmpty() ? "" : " (instances there: " + String.join(", ", others) + ")"));
            return;
        }
        Table table = new Table("backup", "format", "started (UTC)", "mode", "size", "written", "files", "schema", "storage").right(4, 5, 6);
        for (String[] row : rows) {
            String id = row[0];
            try {
                if (row[1].equals("3")) {
                    BackupHead h = repo.orElseThrow().backups().head(id);
                    reported.add(ReportSections.summary(h));
                    table.row(id, "3", h.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), h.mode(), Sizes.bytes(h.totals().bytes()),
                            Sizes.bytes(h.totals().bytesWritten()), Sizes.count(h.totals().files()),
                            h.openWebUi() == null ? "" : h.openWebUi().schemaRevision(), h.storage() == null ? "plain" : h.storage().describe());
                } else {
                    Manifest m = catalog.summary(id);
                    java.util.Map<String, Object> summary = ReportSections.summary(m);
                    summary.put("format", m.formatVersion());
                    reported.add(summary);
                    table.row(id, String.valueOf(m.formatVersion()), m.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), m.mode(),
                            Sizes.bytes(m.totals().bytes()), Sizes.bytes(m.totals().bytesWritten()), Sizes.count(m.totals().files()),
                            m.openWebUi() == null ? "" : m.openWebUi().schemaRevision(), m.storage() == null ? "plain" : m.storage().describe());
                }
            } catch (OwuiException e) {
                table.row(id, row[1], row[1].equals("3") ? "unreadable head" : "unreadable manifest", "", "", "", "", "", "");
                reported.add(java.util.Map.of("backupId", id, "format", Integer.parseInt(row[1]), "unreadable", e.problem()));
            }
        }
        log.info("backups of instance '" + instance + "' at " + t.location() + ", newest first:");
        table.printTo(log);
    }
}
