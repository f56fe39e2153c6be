package dev.owui.backup.render;

import dev.owui.backup.retention.Retention.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report objects several goals' sections share (REPORT.md, owui-report-1.schema.json): field names
 * here are the report's published contract, so a rename is a new schema version.
 */
public final class Sections {
    private Sections() {
    }

    /** A target as the operator named it: its id (of the pom's targets, or none) and its URL. */
    public static Map<String, Object> ref(String id, String url) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("url", url);
        return r;
    }

    /** Retention's verdict on each backup: kept (and by which rules) or removed. */
    public static Map<String, Object> pruned(List<Decision> decisions, String policy, boolean dryRun) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("policy", policy);
        p.put("dryRun", dryRun);
        p.put("kept", decisions.stream().filter(Decision::keep).count());
        p.put("removed", decisions.stream().filter(d -> !d.keep()).count());
        p.put("backups", decisions.stream().map(d -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backupId", d.backupId());
            e.put("action", d.keep() ? "keep" : "remove");
            e.put("reasons", d.reasons());
            return e;
        }).toList());
        return p;
    }
}
