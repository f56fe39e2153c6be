package dev.owui.backup.maven;

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

    /** What a manifest says of its backup (moved to {@link dev.owui.backup.render.BackupSections#summary(Manifest)}). */
    static Map<String, Object> summary(Manifest m) {
        return dev.owui.backup.render.BackupSections.summary(m);
    }

    /** What a format 3 head says of its backup (moved to {@link dev.owui.backup.render.BackupSections}). */
    static Map<String, Object> summary(dev.owui.backup.repo.backup.BackupHead h) {
        return dev.owui.backup.render.BackupSections.summary(h);
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
