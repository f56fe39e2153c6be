package dev.owui.backup.render;

import dev.owui.backup.OwuiException;
import dev.owui.backup.app.PerTarget;
import dev.owui.backup.report.JsonReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The JSON report's {@code targets} list of the goals that run at each target: one entry per
 * target even for one, with its id, url and result, what the goal found there, and the error of
 * a target that failed.
 */
public final class TargetEntries {
    private TargetEntries() {
    }

    /** Adds the entry of a target to the report's {@code targets} list: id, url, result (success until {@link #close}). */
    public static Map<String, Object> add(JsonReport report, PerTarget.Outcome<?> o) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", o.spec().id());
        entry.put("url", o.spec().url());
        entry.put("result", "success");
        report.list("targets").add(entry);
        return entry;
    }

    /**
     * A target's whole entry: added, filled by {@code body} from what the work returned (when it
     * got that far), then marked failed if the target failed.
     */
    public static <R> void render(JsonReport report, PerTarget.Outcome<R> o, BiConsumer<R, Map<String, Object>> body) {
        Map<String, Object> entry = add(report, o);
        if (o.value() != null) {
            body.accept(o.value(), entry);
        }
        close(entry, o);
    }

    /** Marks the entry failed when its target failed (after the goal's own fields, as the error comes last). */
    public static void close(Map<String, Object> entry, PerTarget.Outcome<?> o) {
        if (o.failed()) {
            failed(entry, o.error());
        }
    }

    /** Marks a target's report entry failed, with the error as the envelope has it. */
    public static void failed(Map<String, Object> entry, RuntimeException e) {
        entry.put("result", "failure");
        Map<String, Object> error = new LinkedHashMap<>();
        if (e instanceof OwuiException o) {
            error.put("message", o.problem());
            error.put("advice", o.remedy());
        } else {
            error.put("message", "unexpected error: " + e);
        }
        entry.put("error", error);
    }
}
