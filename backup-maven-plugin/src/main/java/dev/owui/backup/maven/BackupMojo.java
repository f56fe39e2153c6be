package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Report;
import dev.owui.backup.store.LockInfo;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.List;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Backs up a live Open WebUI data directory: databases through SQLite's online backup API, every
 * other file read as it is. Into the instance's format 3 repository, where only new content and a
 * database's changed pages are stored, or as a format 2 tree, whose unchanged files are shared with
 * the previous backup (hard link, server-side copy): {@code owui.format} decides, per target by
 * default. To one target ({@code owui.target}) or to every target of a plan ({@code owui.plan}),
 * the plan's retention applied at each.
 */
@Mojo(name = "backup", requiresProject = false, threadSafe = true)
public class BackupMojo extends AbstractCaptureMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS), a {@code file:} URL,
     * {@code sftp://user@host/path}, {@code s3://bucket/prefix}, or the id of one of the pom's
     * {@code <targets>}. Relative paths are resolved against the project's directory, or the current
     * directory when run without a pom. Ignored when {@code owui.plan} is given.
     */
    @Parameter(property = "owui.target")
    private String target;

    /**
     * Where a backup to several targets (or a cold one) is captured first, then copied to each
     * target. Keeps only the newest capture (about one copy of the instance), so the next one
     * shares unchanged files with it.
     */
    @Parameter(property = "owui.stagingDir")
    private File stagingDir;

    /**
     * The storage format. {@code auto} (default): format 3, the incremental-forever repository of
     * FORMAT.md ("Format 3"), at a target that is new for the instance or already holds its
     * repository; format 2 at a target that holds only its format 1/2 trees (one log line says so
     * and how to move). {@code 3} or {@code 2} choose for every target: {@code 2} writes a
     * complete tree per backup (legacy, still written on request). A cold or paused backup, or one
     * to several targets, is captured once into owui.stagingDir and imported into each format 3 target.
     */
    @Parameter(property = "owui.format", defaultValue = "auto")
    private String format;

    @Override
    protected String goal() {
        return "backup";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        Notifications notifications = notifications(log);
        Instant startedAt = Instant.now();
        PlanBook book = planBook();
        List<TargetSpec> specs = List.of();
        String runMode = mode;
        try {
            FormatChoice formatChoice = FormatChoice.parse(format); // a bad value fails before any work
            Policy retention = null;
            if (plan != null && !plan.isBlank()) {
                Plan p = book.plan(plan);
                if (p.copyFrom() != null) {
                    throw new OwuiException("plan '" + p.id() + "' is a copy plan (it copies from " + p.copyFrom() + ")",
                            "run it with mvn owui:copy -Dowui.plan=" + p.id());
                }
                specs = book.targetsOf(p);
                retention = p.retention();
                runMode = mode == null || mode.isBlank() ? p.mode() : mode;
                log.info("plan " + p.id() + ": " + runMode + " backup to " + p.targets()
                        + (retention == null ? ", keeping every backup" : ", then keeping " + retention));
            } else if (target == null || target.isBlank()) {
                List<Plan> plans = book.plans();
                throw new OwuiException("no target given",
                        plans.isEmpty() ? "set owui.target to a directory, sftp:// or s3:// URL, e.g. -Dowui.target=/srv/backups/owui"
                                : "set owui.plan to one of the pom's plans (" + String.join(", ", plans.stream().map(Plan::id).toList()) + ") or owui.target");
            } else {
                specs = List.of(targetSpec(target));
            }
            report().section().put("instance", instance);
            report().section().put("plan", plan);
            List<TargetSpec> chosen = specs;
            report().section().put("targets", chosen.stream().map(s -> reportTarget(s, null)).toList());
            BackupOptions.Mode m = BackupOptions.Mode.parse(runMode == null || runMode.isBlank() ? Plan.HOT : runMode);
            runMode = m.manifestName();
            // The format each target is written in (2: trees, 3: the repository), decided once per target.
            Map<TargetSpec, Integer> formats = new java.util.HashMap<>();
            for (TargetSpec s : chosen) {
                formats.put(s, repoFormat(formatChoice, s, log));
            }
            java.util.function.ToIntFunction<TargetSpec> formatOf = formats::get;
            if (Format3Backup.direct(chosen, m, formatOf)) {
                Format3Backup.Outcome r = new Format3Backup(this, log).run(chosen, retention);
                Manifest.Totals t = r.last().head().totals();
                notifications.send(Report.success(instance, plan, r.last().backupId(), specs.stream().map(TargetSpec::url).toList(),
                        LockInfo.hostName(), runMode, t.files(), t.bytes(), r.last().bytesWritten(), startedAt,
                        Duration.between(startedAt, Instant.now()), null, r.last().warnings().size()));
                return;
            }
            QuiesceCapture quiesce = quiesceCapture(m, log);
            TargetContext ctx = targetContext();
            PlanRunner.Request request = new PlanRunner.Request(t -> options(t).withMode(m), specs, s -> Targets.open(s, ctx), staging(),
                    retention, zone(), quiesce == null ? CaptureWrapper.HOT : quiesce)
                    .withFormats(formatOf, chosen.stream().anyMatch(s -> formatOf.applyAsInt(s) == 3) ? Format3Backup.repositories(this, true) : null);
            PlanRunner.Result r = new PlanRunner(log).run(request);
            var imported = r.targets().stream().anyMatch(o -> o.format() == 3) ? Format3Backup.report(this, log, chosen, r) : null;
            if (imported == null) {
                report().section().putAll(ReportSections.backup(r.backup()));
                report().section().put("staged", r.staged());
                report().section().put("targets", java.util.stream.IntStream.range(0, chosen.size())
                        .mapToObj(i -> reportTarget(chosen.get(i), r.targets().get(i))).toList());
                summarize(log, r.backup(), "backup");
                summarizeTargets(log, r);
            }
            Duration downtime = quiesce == null ? null : quiesce.downtime();
            if (downtime != null) {
                report().section().put("downtimeMs", downtime.toMillis());
                log.info("the instance was " + (m == BackupOptions.Mode.COLD ? "stopped" : "frozen") + " for " + Sizes.seconds(downtime.toNanos())
                        + " (the capture only; transfers ran after the start command)");
            }
            if (quiesce != null) {
                quiesce.throwIfStartFailed(r.backup().manifest().backupId());
            }
            r.throwIfFailed();
            Manifest.Totals t = r.backup().manifest().totals();
            notifications.send(Report.success(instance, plan, r.backup().manifest().backupId(), specs.stream().map(TargetSpec::url).toList(),
                    LockInfo.hostName(), runMode, t.files(), t.bytes(), imported == null ? t.bytesWritten() : imported.bytesWritten(), startedAt,
                    Duration.between(startedAt, Instant.now()),
                    downtime, r.backup().warnings().size()));
        } catch (RuntimeException e) {
            String error = e instanceof OwuiException ? e.getMessage() : "unexpected error: " + e;
            notifications.send(Report.failure(instance, plan, specs.stream().map(TargetSpec::url).toList(), LockInfo.hostName(),
                    runMode == null ? Plan.HOT : runMode, startedAt, Duration.between(startedAt, Instant.now()), error, 0));
            throw e;
        }
    }

    /** The format {@code spec} is written in: explicit 2 or 3 as given, under auto what the target holds ({@link FormatChoice}). */
    private int repoFormat(FormatChoice choice, TargetSpec spec, EngineLog log) {
        if (choice.isExplicit()) {
            return choice.explicitFormat();
        }
        try {
            return choice.formatFor(spec, targetContext(), instance, log);
        } catch (OwuiException e) {
            // A target that cannot be read now (a missing bucket, a host down) must not stop the others of a
            // plan: it is taken as new (format 3), and its own step fails with this same error, naming it.
            return 3;
        }
    }

    /** A target's report entry: its id and URL, and, once the backup ran, what it got there. */
    static Map<String, Object> reportTarget(TargetSpec spec, PlanRunner.TargetOutcome o) {
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("id", spec.id());
        e.put("url", spec.url());
        if (o != null) {
            e.put("location", o.location());
            e.put("result", o.ok() ? "success" : "failure");
            e.put("stored", o.stored());
            e.put("bytesSent", o.bytesSent());
            e.put("bytesShared", o.bytesShared());
            e.put("pruned", o.pruned());
            e.put("format", o.format());
            if (o.backupId() != null) {
                e.put("backupId", o.backupId());
            }
            if (o.error() != null) {
                e.put("error", Map.of("message", o.error()));
            }
        }
        return e;
    }

    private Path staging() {
        if (stagingDir != null) {
            return resolve(stagingDir);
        }
        return home().resolve(".cache/owui-backup/staging");
    }

    /** What each target got: sent and shared bytes, retention, or why it failed. */
    static void summarizeTargets(EngineLog log, PlanRunner.Result r) {
        if (!r.staged() && r.targets().size() == 1 && r.targets().get(0).pruned().isEmpty() && r.targets().get(0).ok()) {
            return; // a single direct backup: the tables above said it all
        }
        log.info("");
        Table table = new Table("target", "result", "sent", "shared", "removed by retention").right(2, 3);
        for (PlanRunner.TargetOutcome t : r.targets()) {
            table.row(t.id(), t.ok() ? "stored" : (t.stored() ? "stored, retention failed" : "FAILED"), Sizes.bytes(t.bytesSent()),
                    Sizes.bytes(t.bytesShared()), t.pruned().isEmpty() ? "-" : String.join(" ", t.pruned()));
        }
        table.printTo(log);
    }

    /** The closing summary: time per phase, then files and bytes; {@code what} names the result (backup, snapshot). */
    static void summarize(EngineLog log, BackupResult r, String what) {
        Manifest m = r.manifest();
        Manifest.Totals t = m.totals();
        long total = r.phaseNanos().values().stream().mapToLong(Long::longValue).sum();
        log.info("");
        Table table = new Table("phase", "time").right(1);
        for (Map.Entry<String, Long> e : r.phaseNanos().entrySet()) {
            table.row(e.getKey(), Sizes.seconds(e.getValue()));
        }
        table.row("total", Sizes.seconds(total));
        table.printTo(log);
        log.info("");
        Table sizes = new Table("files", "size", "written", "shared", "link refused").right(0, 1, 2, 3, 4)
                .row(Sizes.count(t.files()), Sizes.bytes(t.bytes()), Sizes.bytes(t.bytesWritten()), Sizes.bytes(t.bytesReused()),
                        Sizes.count(r.linkFallbacks()));
        sizes.printTo(log);
        if (r.linkFallbacks() > 0) {
            log.warn(r.linkFallbacks() + " unchanged file(s) were copied because the target refused a hard link (a filesystem without links, or a link limit)");
        }
        log.info("");
        String schema = m.openWebUi() == null || m.openWebUi().schemaRevision() == null ? "none" : m.openWebUi().schemaRevision();
        log.info(what + " " + m.backupId() + " complete: " + m.instance() + " at schema revision " + schema
                + (r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warning(s) above"));
    }
}
