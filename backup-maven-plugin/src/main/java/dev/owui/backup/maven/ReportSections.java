package dev.owui.backup.maven;

import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.verify.VerifyResult;
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

    /** A backup or snapshot just taken: the webhook body's names where they fit, plus phases and the warnings themselves. */
    static Map<String, Object> backup(BackupResult r) {
        Manifest m = r.manifest();
        Map<String, Object> b = summary(m);
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

    /** What a manifest says of its backup (list, and the start of backup's section). */
    static Map<String, Object> summary(Manifest m) {
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
        Map<String, Object> b = summary(head);
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

    /** What a format 3 head says of its backup: {@link #summary(Manifest)}'s names, and {@code format}. */
    static Map<String, Object> summary(dev.owui.backup.repo.backup.BackupHead h) {
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

    /** One verified backup: whole or damaged, and each damaged file. */
    static Map<String, Object> verified(VerifyResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("backupId", r.backupId());
        v.put("result", r.whole() ? "whole" : "damaged");
        v.put("files", r.files());
        v.put("bytes", r.bytes());
        v.put("damages", r.damages());
        v.put("damagedFiles", r.damagedFiles().stream().map(d -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", d.path());
            f.put("problem", d.problem());
            f.put("detail", d.detail());
            f.put("sha256", d.sha256());
            return f;
        }).toList());
        v.put("notes", r.notes());
        return v;
    }

    /**
     * One verified format 3 backup, in the same fields: each problem a line of {@code damages},
     * and each damaged object an entry of {@code damagedFiles} with the path that needs it and
     * the object's name ({@code object}; {@code sha256} is the same name: the hash of its stored bytes).
     */
    static Map<String, Object> verified3(String backupId, Long files, List<dev.owui.backup.repo.restore.RepoVerify.Problem> problems) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("backupId", backupId);
        v.put("format", 3);
        v.put("result", problems.isEmpty() ? "whole" : "damaged");
        if (files != null) {
            v.put("files", files);
        }
        v.put("damages", problems.stream().map(ReportSections::line).toList());
        v.put("damagedFiles", problems.stream().filter(p -> p.damage() && p.object() != null).map(p -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", p.path() == null ? "(manifest chunk)" : p.path());
            f.put("problem", p.problem());
            f.put("detail", line(p));
            f.put("sha256", p.object());
            f.put("object", p.object());
            return f;
        }).toList());
        v.put("notes", List.of());
        return v;
    }

    /** A format 3 problem as one line: the path, the object, what is wrong. */
    static String line(dev.owui.backup.repo.restore.RepoVerify.Problem p) {
        return (p.path() == null ? "" : p.path() + ": ") + (p.object() == null ? "" : "object " + p.object() + ": ") + p.problem();
    }

    /** Retention's verdict on each backup (in render.Sections, which copy's renderer shares). */
    static Map<String, Object> pruned(List<Decision> decisions, String policy, boolean dryRun) {
        return dev.owui.backup.render.Sections.pruned(decisions, policy, dryRun);
    }
}
