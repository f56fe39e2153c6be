package dev.owui.backup.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.owui.backup.OwuiException;
import dev.owui.backup.ToolVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The machine-readable report of one goal's run (REPORT.md): an envelope shared by every goal
 * (schema, version, goal, tool, times, result, error) and one goal-specific section, named after
 * the goal in camelCase ({@code backup}, {@code installCron}). The schema is
 * {@code dev/owui/backup/report/owui-report-1.schema.json}; additive changes keep
 * {@link #VERSION}, a removed or renamed field bumps it.
 */
public final class JsonReport {
    public static final String SCHEMA = "owui-report";
    public static final int VERSION = 1;

    // Null fields are left out (the schema marks them optional); times as ISO-8601 text, like the webhook's body.
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL)).build();

    private final String goal;
    private final Instant startedAt;
    private final Map<String, Object> section = new LinkedHashMap<>();

    public JsonReport(String goal, Instant startedAt) {
        this.goal = goal;
        this.startedAt = startedAt;
    }

    /** The goal's section, filled by the goal as it learns things (a failing run reports what it got to). */
    public Map<String, Object> section() {
        return section;
    }

    /** A list in the section, created on first use: one entry per target, host, backup. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String key) {
        return (List<Object>) section.computeIfAbsent(key, k -> new ArrayList<>());
    }

    /** The section's key: the goal's name in camelCase (install-cron: installCron), so jq reads it as .installCron. */
    public static String sectionName(String goal) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : goal.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /**
     * The whole document. {@code result} is success, failure or skipped; {@code error} (the run's
     * failure, or null) becomes {@code {message, advice}}.
     */
    public String toJson(String result, Instant finishedAt, Throwable error) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("schemaVersion", VERSION);
        doc.put("goal", goal);
        doc.put("tool", Map.of("name", "owui-backup", "version", ToolVersion.get()));
        doc.put("startedAt", startedAt);
        doc.put("finishedAt", finishedAt);
        doc.put("durationMs", finishedAt.toEpochMilli() - startedAt.toEpochMilli());
        doc.put("result", result.toLowerCase(Locale.ROOT));
        if (error != null) {
            doc.put("error", error(error));
        }
        doc.put(sectionName(goal), section);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new OwuiException("cannot render the JSON report: " + e.getMessage(), "report this as a bug", e);
        }
    }

    /** A failure as the report's {@code {message, advice}}: the run's, or one target's in its section. */
    public static Map<String, Object> error(Throwable error) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (error instanceof OwuiException o) {
            e.put("message", o.problem());
            e.put("advice", o.remedy());
        } else {
            e.put("message", "unexpected error: " + error);
        }
        return e;
    }

    /**
     * Writes {@code json} to {@code file} so that a reader never sees half a report: a temporary
     * file beside it (mode 0600 from its creation: reports can name uploads and paths), then a
     * rename over the old one.
     */
    public static void write(Path file, String json) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // createTempFile makes the file rw------- on POSIX file systems before anything is written.
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new OwuiException("cannot write the report " + abs + ": " + e, "check that its directory is writable, or set owui.report to another file");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }
}
