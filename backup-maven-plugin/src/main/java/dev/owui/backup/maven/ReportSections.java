package dev.owui.backup.maven;

import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.format.Manifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's results as the JSON report's objects (REPORT.md, owui-report-1.schema.json): field
 * names here are the report's published contract, so a rename is a new schema version.
 */
final class ReportSections {
    private ReportSections() {
    }

    /** A target as the operator named it: its id (of the pom's targets, or none) and its URL. */
    static Map<String, Object> ref(String id, String url) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("url", url);
        return r;
    }

    /** A backup or snapshot just taken: the webhook body's names where they fit, plus phases and the warnings themselves. */
    static Map<String, Object> backup(BackupResult r) {
        Manifest m = r.manifest();
        Map<String, Object> b = dev.owui.backup.render.BackupSummary.of(m);
        b.put("bytesShared", m.totals().bytesReused());
        b.put("linkFallbacks", r.linkFallbacks());
        Map<String, Long> phases = new LinkedHashMap<>();
        r.phaseNanos().forEach((k, v) -> phases.put(k, v / 1_000_000));
        b.put("phasesMs", phases);
        b.put("warnings", r.warnings());
        if (m.openWebUi() != null) {
            // What the capture found in webui.db against uploads/: the checks an operator acts on.
            b.put("tables", m.openWebUi().counts());
            Map<String, Object> findings = new LinkedHashMap<>();
            findings.put("rowsWithoutFile", m.openWebUi().rowsWithoutFile());
            findings.put("filesWithoutRow", m.openWebUi().filesWithoutRow());
            findings.put("externalFiles", m.openWebUi().externalFiles());
            b.put("findings", findings);
        }
        return b;
    }

    /**
     * A format 3 backup just taken: the same names as {@link #backup(BackupResult)}, bytesWritten
     * being the stored bytes sent (objects and chunks), plus {@code format} and what became of
     * each database ({@code databases}: IMAGE, APPEND, COMPACT or SAME).
     */
    static Map<String, Object> backup(dev.owui.backup.repo.engine.RepoBackupRunner.Result r) {
        return format3(r.head(), r.bytesWritten(), r.bytesReused(), r.phases(), r.warnings(), r.databases());
    }

    /**
     * A format 3 backup made by importing a staged capture (cold, paused, or several targets):
     * the names of {@link #backup(dev.owui.backup.repo.engine.RepoBackupRunner.Result)}, from the
     * repository's head and what the import stored ({@code imported}, one target's), with the
     * capture's phases and warnings.
     */
    static Map<String, Object> backup(BackupResult staged, dev.owui.backup.repo.engine.TreeImport.Result imported) {
        return format3(imported.head(), imported.bytesWritten(), imported.head().totals().bytesReused(), staged.phaseNanos(),
                staged.warnings(), imported.databases());
    }

    /** The backup section of a format 3 backup, however it was made (straight into the repository, or staged and imported). */
    private static Map<String, Object> format3(dev.owui.backup.repo.backup.BackupHead head, long bytesWritten, long bytesShared,
                                               Map<String, Long> phaseNanos, List<String> warnings,
                                               List<dev.owui.backup.repo.engine.RepoBackupRunner.DatabaseDecision> decisions) {
        Map<String, Object> b = dev.owui.backup.render.BackupSummary.of(head);
        b.put("bytesWritten", bytesWritten);
        b.put("bytesShared", bytesShared);
        b.put("linkFallbacks", 0);
        Map<String, Long> phases = new LinkedHashMap<>();
        phaseNanos.forEach((k, v) -> phases.put(k, v / 1_000_000));
        b.put("phasesMs", phases);
        b.put("warnings", warnings);
        var facts = head.openWebUi();
        if (facts != null) {
            b.put("tables", facts.counts());
            Map<String, Object> findings = new LinkedHashMap<>();
            findings.put("rowsWithoutFile", facts.rowsWithoutFile());
            findings.put("filesWithoutRow", facts.filesWithoutRow());
            findings.put("externalFiles", facts.externalFiles());
            b.put("findings", findings);
        }
        b.put("databases", databases(decisions));
        return b;
    }

    /** What became of each database of a format 3 backup. */
    private static List<Map<String, Object>> databases(List<dev.owui.backup.repo.engine.RepoBackupRunner.DatabaseDecision> decisions) {
        return decisions.stream().map(d -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", d.path());
            e.put("decision", d.kind());
            e.put("pageCount", d.pageCount());
            e.put("changedPages", d.changedPages());
            e.put("layers", d.layers());
            e.put("storedBytes", d.storedBytes());
            if (d.why() != null) {
                e.put("why", d.why());
            }
            return e;
        }).toList();
    }

    /** Retention's verdict on each backup (copy's destination retention): {@link dev.owui.backup.render.PruneRender#pruned}. */
    static Map<String, Object> pruned(List<dev.owui.backup.retention.Retention.Decision> decisions, String policy, boolean dryRun) {
        return dev.owui.backup.render.PruneRender.pruned(decisions, policy, dryRun);
    }
}
