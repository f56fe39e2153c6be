package dev.owui.backup.render;

import dev.owui.backup.OwuiException;
import dev.owui.backup.app.BackupOutcome;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.store.TargetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * owui:backup's result as console lines (the closing tables and lines) and as the report's
 * backup section, from the same {@link BackupOutcome}: whatever the run did before it failed
 * is rendered too.
 */
public final class BackupRender {
    private BackupRender() {
    }

    /** Renders {@code o} to {@code log} and into the report's {@code section}. */
    public static void render(BackupOutcome o, EngineLog log, Map<String, Object> section) {
        if (o.targets() == null) {
            return; // failed before it knew where to go: the error says it all
        }
        section.put("instance", o.instance());
        section.put("plan", o.plan());
        section.put("targets", o.targets().stream().map(s -> target(s, null)).toList());
        if (o.direct() != null) {
            direct(o, log, section);
        } else if (!o.directs().isEmpty()) {
            directs(o, log, section);
        } else if (o.staged() != null) {
            staged(o.staged(), o.imported(), o.targets(), log, section);
            if (o.downtime() != null) {
                section.put("downtimeMs", o.downtime().toMillis());
                log.info("the instance was " + ("cold".equals(o.mode()) ? "stopped" : "frozen") + " for " + Sizes.seconds(o.downtime().toNanos())
                        + " (the capture only; transfers ran after the start command)");
            }
        }
    }

    /** A hot format 3 backup straight into its one target's repository: its target entry, its section, its summary. */
    private static void direct(BackupOutcome o, EngineLog log, Map<String, Object> section) {
        BackupOutcome.Direct d = o.direct();
        Map<String, Object> e = target(o.targets().get(0), null);
        section.put("format", 3);
        section.put("targets", List.of(e));
        if (d.location() != null) {
            e.put("location", d.location());
        }
        RepoBackupRunner.Result r = d.backup();
        if (r != null) {
            section.putAll(BackupSections.backup(r));
            e.put("result", "success");
            e.put("backupId", r.backupId());
            e.put("format", 3);
            e.put("stored", true);
            e.put("bytesSent", r.bytesWritten());
            e.put("bytesShared", r.bytesReused());
            e.put("pruned", d.pruned() == null ? List.of() : d.pruned());
            summarize(log, r, "backup");
        }
        if (o.failure() instanceof OwuiException x) {
            e.put("result", "failure");
            e.put("error", Map.of("message", x.getMessage()));
        }
    }

    /**
     * A direct format 3 backup at each of several targets (a PostgreSQL instance, uploads in
     * object storage): the backup section of the first one made, each target's entry, the first
     * one's closing tables, and what each target got, as a plan's.
     */
    private static void directs(BackupOutcome o, EngineLog log, Map<String, Object> section) {
        section.put("format", 3);
        RepoBackupRunner.Result first = o.firstOfDirects();
        if (first != null) {
            section.putAll(BackupSections.backup(first));
        }
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        Table table = new Table("target", "result", "sent", "shared", "removed by retention").right(2, 3);
        for (int i = 0; i < o.directs().size(); i++) {
            BackupOutcome.Direct d = o.directs().get(i);
            TargetSpec spec = o.targets().get(i);
            Map<String, Object> e = target(spec, null);
            if (d.location() != null) {
                e.put("location", d.location());
            }
            RepoBackupRunner.Result r = d.backup();
            e.put("result", d.error() == null ? "success" : "failure");
            e.put("stored", r != null);
            e.put("bytesSent", r == null ? 0L : r.bytesWritten());
            e.put("bytesShared", r == null ? 0L : r.bytesReused());
            e.put("pruned", d.pruned() == null ? List.of() : d.pruned());
            e.put("format", 3);
            if (r != null) {
                e.put("backupId", r.backupId());
            }
            if (d.error() != null) {
                e.put("error", Map.of("message", d.error()));
            }
            entries.add(e);
            table.row(spec.id() != null ? spec.id() : spec.url(), d.error() == null ? "stored" : (r != null ? "stored, retention failed" : "FAILED"),
                    Sizes.bytes(r == null ? 0 : r.bytesWritten()), Sizes.bytes(r == null ? 0 : r.bytesReused()),
                    d.pruned() == null || d.pruned().isEmpty() ? "-" : String.join(" ", d.pruned()));
        }
        section.put("targets", entries);
        if (first != null) {
            summarize(log, first, "backup");
        }
        log.info("");
        table.printTo(log);
    }

    /**
     * A capture stored to each target: the backup section (as a format 3 backup's when every
     * target is format 3 and one stored it, from the first import), {@code staged}, each
     * target's entry, and the closing tables (of the capture, then of the import, when a format 3
     * target stored it).
     */
    public static void staged(PlanRunner.Result r, TreeImport.Result first, List<TargetSpec> specs, EngineLog log, Map<String, Object> section) {
        boolean any3 = r.targets().stream().anyMatch(o -> o.format() == 3);
        boolean all3 = r.targets().stream().allMatch(t -> t.format() == 3);
        section.putAll(any3 && first != null && all3 ? BackupSections.backup(r.backup(), first) : BackupSections.backup(r.backup()));
        section.put("staged", r.staged());
        section.put("targets", IntStream.range(0, specs.size()).mapToObj(i -> target(specs.get(i), r.targets().get(i))).toList());
        summarize(log, r.backup(), any3 ? "capture" : "backup");
        summarizeTargets(log, r);
        if (any3 && first != null) {
            databases(log, first.databases());
            complete(log, "backup", first.head(), r.backup().warnings().size());
        }
    }

    /** A target's report entry: its id and URL, and, once the backup ran, what it got there. */
    static Map<String, Object> target(TargetSpec spec, PlanRunner.TargetOutcome o) {
        Map<String, Object> e = new LinkedHashMap<>();
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

    /** What each target got: sent and shared bytes, retention, or why it failed. */
    private static void summarizeTargets(EngineLog log, PlanRunner.Result r) {
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

    /** The closing summary of a format 2 capture: time per phase, then files and bytes; {@code what} names the result (backup, snapshot). */
    public static void summarize(EngineLog log, BackupResult r, String what) {
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

    /** The closing summary of a format 3 backup or snapshot, plus what each database's layers became. */
    public static void summarize(EngineLog log, RepoBackupRunner.Result r, String what) {
        long total = r.phases().values().stream().mapToLong(Long::longValue).sum();
        log.info("");
        Table phases = new Table("phase", "time").right(1);
        r.phases().forEach((k, v) -> phases.row(k, Sizes.seconds(v)));
        phases.row("total", Sizes.seconds(total));
        phases.printTo(log);
        log.info("");
        new Table("files", "size", "written", "reused", "objects written").right(0, 1, 2, 3, 4)
                .row(Sizes.count(r.files()), Sizes.bytes(r.bytes()), Sizes.bytes(r.bytesWritten()), Sizes.bytes(r.bytesReused()),
                        Sizes.count(r.objectsWritten()))
                .printTo(log);
        databases(log, r.databases());
        complete(log, what, r.head(), r.warnings().size());
    }

    /** The closing line of a format 3 backup or snapshot, however it was made. */
    private static void complete(EngineLog log, String what, BackupHead head, int warnings) {
        log.info("");
        var facts = head.openWebUi();
        String schema = facts == null || facts.schemaRevision() == null ? "none" : facts.schemaRevision();
        log.info(what + " " + head.backupId() + " complete (format 3): " + head.instance() + " at schema revision " + schema
                + (warnings == 0 ? "" : ", " + warnings + " warning(s) above"));
    }

    /** What each database's layers became. */
    private static void databases(EngineLog log, List<RepoBackupRunner.DatabaseDecision> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        log.info("");
        Table dbs = new Table("database", "decision", "pages", "changed", "layers", "stored").right(2, 3, 4, 5);
        for (RepoBackupRunner.DatabaseDecision d : decisions) {
            dbs.row(d.path(), d.kind() + (d.why() == null ? "" : " (" + d.why() + ")"), Sizes.count(d.pageCount()),
                    Sizes.count(d.changedPages()), String.valueOf(d.layers()), Sizes.bytes(d.storedBytes()));
        }
        dbs.printTo(log);
    }
}
