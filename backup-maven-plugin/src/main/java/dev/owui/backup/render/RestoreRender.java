package dev.owui.backup.render;

import dev.owui.backup.app.RestoreGoal.Restored;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.restore.RestoreResult;
import java.util.Map;

/** owui:restore's closing line and its report section: what was restored, where to, and where the replaced contents went. */
public final class RestoreRender {
    private RestoreRender() {
    }

    public static void render(Restored done, String instance, EngineLog log, JsonReport report) {
        RestoreResult r = done.result();
        boolean partial = done.config().partial();
        Map<String, Object> s = report.section();
        s.put("instance", instance);
        s.put("backupId", r.backupId());
        s.put("scope", partial ? "paths" : "whole");
        s.put("into", done.into() == null ? null : done.into().toString());
        if (partial) {
            s.put("paths", done.config().paths());
        }
        s.put("files", r.files());
        s.put("bytes", r.bytes());
        s.put("setAside", r.setAside() == null ? null : r.setAside().toString());
        s.put("warnings", r.warnings());
        if (done.format() == 3) {
            s.put("format", 3);
        }
        if (partial) {
            log.info("restored " + Sizes.count(r.files()) + " file(s) of backup " + r.backupId() + ", " + Sizes.bytes(r.bytes())
                    + ", each checked against its SHA-256, into " + done.into() + (r.setAside() == null ? "" : "; the files they replaced are in " + r.setAside()));
        } else {
            log.info("restored backup " + r.backupId() + ": " + Sizes.count(r.files()) + " files, " + Sizes.bytes(r.bytes())
                    + (done.format() == 3 ? ", every one decoded and checked against its SHA-256, every database against its capture"
                            : ", every one decoded where needed and checked against its SHA-256")
                    + (r.setAside() == null ? "" : "; earlier contents in " + r.setAside()));
        }
    }
}
