package dev.owui.backup.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a run reports to webhooks and mail: the JSON body of a webhook, the text of a mail. It
 * carries no credentials, passphrases or file names of uploads.
 *
 * @param status        success or failure of the run
 * @param instance      the instance backed up
 * @param plan          the plan that ran, or null
 * @param backupId      the backup made (null when the run failed before one existed)
 * @param targets       where it went (locations as the operator wrote them, without credentials)
 * @param host          the machine that ran it
 * @param mode          hot, paused or cold
 * @param files         files in the backup
 * @param bytesTotal    bytes of the backed-up data
 * @param bytesWritten  bytes this run wrote (the rest was shared with the previous backup)
 * @param startedAt     when the run began
 * @param durationMs    how long it took
 * @param downtimeMs    how long the instance was stopped or frozen (cold, paused), else null
 * @param error         the failure's one-line message, or null
 * @param warnings      number of warnings the run logged
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(Status status, String instance, String plan, String backupId, List<String> targets, String host, String mode,
                     long files, long bytesTotal, long bytesWritten, Instant startedAt, long durationMs, Long downtimeMs,
                     String error, int warnings) {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    public enum Status {
        SUCCESS, FAILURE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Report {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /**
     * A report being built from a run's result: who ran what where ({@code run}), then what it
     * made, and the outcome, e.g. {@code Report.run(...).made(id, files, bytes, written).warnings(n).success(took)}.
     */
    public static Builder run(String instance, String plan, List<String> targets, String host, String mode, Instant startedAt) {
        return new Builder(instance, plan, targets, host, mode, startedAt);
    }

    /** The parts of a report, set one by one by name rather than by position. */
    public static final class Builder {
        private final String instance;
        private final String plan;
        private final List<String> targets;
        private final String host;
        private final String mode;
        private final Instant startedAt;
        private String backupId;
        private long files;
        private long bytesTotal;
        private long bytesWritten;
        private Duration downtime;
        private int warnings;

        private Builder(String instance, String plan, List<String> targets, String host, String mode, Instant startedAt) {
            this.instance = instance;
            this.plan = plan;
            this.targets = targets;
            this.host = host;
            this.mode = mode;
            this.startedAt = startedAt;
        }

        /** The backup made: its id, its files and bytes, and the bytes this run wrote. */
        public Builder made(String backupId, long files, long bytesTotal, long bytesWritten) {
            this.backupId = backupId;
            this.files = files;
            this.bytesTotal = bytesTotal;
            this.bytesWritten = bytesWritten;
            return this;
        }

        /** How long the instance was stopped or frozen; null for a hot run. */
        public Builder downtime(Duration d) {
            this.downtime = d;
            return this;
        }

        public Builder warnings(int n) {
            this.warnings = n;
            return this;
        }

        /** The run succeeded after {@code took}. */
        public Report success(Duration took) {
            return new Report(Status.SUCCESS, instance, plan, backupId, targets, host, mode, files, bytesTotal, bytesWritten, startedAt,
                    took.toMillis(), downtime == null ? null : downtime.toMillis(), null, warnings);
        }

        /** The run failed after {@code took} with {@code error} (one line); nothing it made is reported. */
        public Report failure(Duration took, String error) {
            return Report.failure(instance, plan, targets, host, mode, startedAt, took, error, warnings);
        }
    }

    public static Report failure(String instance, String plan, List<String> targets, String host, String mode, Instant startedAt,
                                 Duration took, String error, int warnings) {
        return new Report(Status.FAILURE, instance, plan, null, targets, host, mode, 0, 0, 0, startedAt, took.toMillis(), null,
                error, warnings);
    }

    public boolean succeeded() {
        return status == Status.SUCCESS;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A one-line subject: "owui backup of prod on web-1: success (20261126T074802Z)". */
    public String subject() {
        return "owui backup of " + instance + (plan == null ? "" : " (plan " + plan + ")") + " on " + host + ": "
                + (succeeded() ? "success" + (backupId == null ? "" : " (" + backupId + ")") : "FAILED");
    }

    /** The plain-text body of a mail. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(subject()).append("\n\n");
        line(sb, "status", status.json());
        line(sb, "instance", instance);
        line(sb, "plan", plan);
        line(sb, "backup", backupId);
        line(sb, "targets", targets.isEmpty() ? null : String.join(", ", targets));
        line(sb, "host", host);
        line(sb, "mode", mode);
        if (succeeded()) {
            line(sb, "files", Long.toString(files));
            line(sb, "size", dev.owui.backup.report.Sizes.bytes(bytesTotal));
            line(sb, "written", dev.owui.backup.report.Sizes.bytes(bytesWritten));
        }
        line(sb, "started", startedAt == null ? null : startedAt.toString());
        line(sb, "duration", String.format(java.util.Locale.ROOT, "%.1f s", durationMs / 1000.0));
        line(sb, "downtime", downtimeMs == null ? null : String.format(java.util.Locale.ROOT, "%.1f s", downtimeMs / 1000.0));
        line(sb, "warnings", Integer.toString(warnings));
        line(sb, "error", error);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String k, String v) {
        if (v != null) {
            sb.append(String.format(java.util.Locale.ROOT, "%-9s %s%n", k + ":", v));
        }
    }
}
