package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.transfer.BackupCopier;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Report;
import dev.owui.backup.store.LockInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Copies complete backups from one target to another (the weekly copy pulled to the NAS): every
 * file checked against its SHA-256 on the way, files the destination already holds shared there
 * instead of sent. With {@code owui.plan} naming a copy plan, copies from its {@code copyFrom} to
 * each of its targets and applies its retention there. Compressed and encrypted files travel as
 * stored (no key needed); an encrypted manifest needs the passphrase or secret key to be read.
 */
@Mojo(name = "copy", requiresProject = false, threadSafe = true)
public class CopyMojo extends AbstractOwuiMojo {

    /** The target to copy from: a directory, sftp:// or s3:// URL, or a pom target's id. */
    @Parameter(property = "owui.from")
    private String from;

    /** The target to copy to: a directory, sftp:// or s3:// URL, or a pom target's id. */
    @Parameter(property = "owui.to")
    private String to;

    /**
     * Which backups: {@code all} (default: every backup the destination does not hold yet),
     * {@code latest}, or one backup id.
     */
    @Parameter(property = "owui.backupId", defaultValue = "all")
    private String backupId;

    /** Files transferred in parallel. */
    @Parameter(property = "owui.threads", defaultValue = "4")
    private int threads;

    @Override
    protected String goal() {
        return "copy";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        Notifications notifications = notifications(log);
        Instant startedAt = Instant.now();
        List<String> where = new ArrayList<>();
        try {
            Copy c = copy(log, where);
            notifications.send(Report.success(instance, plan, c.newest(), where, LockInfo.hostName(), "copy", c.files(), c.bytes(), c.sent(),
                    startedAt, Duration.between(startedAt, Instant.now()), null, 0));
        } catch (RuntimeException e) {
            notifications.send(Report.failure(instance, plan, where, LockInfo.hostName(), "copy", startedAt,
                    Duration.between(startedAt, Instant.now()), e instanceof OwuiException ? e.getMessage() : "unexpected error: " + e, 0));
            throw e;
        }
    }

    /** What a copy run did, for the report: the newest backup copied, files and bytes of the copies, bytes sent. */
    private record Copy(String newest, long files, long bytes, long sent) {
    }

    private Copy copy(EngineLog log, List<String> where) {
        TargetSpec source;
        List<TargetSpec> destinations;
        Policy retention = null;
        if (plan != null && !plan.isBlank()) {
            PlanBook book = planBook();
            Plan p = book.plan(plan);
            if (p.copyFrom() == null) {
                throw new OwuiException("plan '" + p.id() + "' is a backup plan, not a copy plan", "run it with mvn owui:backup -Dowui.plan=" + p.id()
                        + ", or give the copy plan a <copyFrom>");
            }
            source = book.targets().get(p.copyFrom());
            destinations = book.targetsOf(p);
            retention = p.retention();
        } else {
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                throw new OwuiException("owui:copy needs a source and a destination",
                        "give -Dowui.from=<target> -Dowui.to=<target> (directories, sftp:// or s3:// URLs), or -Dowui.plan=<copy plan>");
            }
            source = targetSpec(from);
            destinations = List.of(targetSpec(to));
        }
        where.add(source.url());
        report().section().put("instance", instance);
        report().section().put("plan", plan);
        report().section().put("from", ReportSections.ref(source.id(), source.url()));
        destinations.forEach(d -> where.add(d.url()));
        List<String> failed = new ArrayList<>();
        String newest = null;
        long files = 0;
        long sent = 0;
        long bytes = 0;
        Table table = new Table("destination", "backup", "result", "sent", "shared").right(3, 4);
        try (Target src = Targets.open(source, targetContext())) {
            List<String> ids = new Catalog(src, instance).select(backupId);
            report().section().put("backupIds", ids);
            for (TargetSpec d : destinations) {
                java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
                entry.put("id", d.id());
                entry.put("url", d.url());
                entry.put("result", "success");
                List<Object> copied = new ArrayList<>();
                entry.put("backups", copied);
                report().list("destinations").add(entry);
                try (Target dest = Targets.open(d, targetContext())) {
                    for (BackupCopier.Copied c : new BackupCopier(log, threads, dev.owui.backup.backup.BackupRunner.Listener.NONE, decryptionKeys()).copy(src, dest, instance, ids)) {
                        table.row(d.id(), c.backupId(), c.skipped() ? "already there" : "copied", Sizes.bytes(c.bytesSent()), Sizes.bytes(c.bytesShared()));
                        newest = c.backupId();
                        copied.add(java.util.Map.of("backupId", c.backupId(), "action", c.skipped() ? "alreadyThere" : "copied",
                                "files", c.files(), "bytesSent", c.bytesSent(), "bytesShared", c.bytesShared()));
                        files += c.files();
                        sent += c.bytesSent();
                        bytes += c.bytesSent() + c.bytesShared();
                    }
                    if (retention != null) {
                        List<Decision> decisions = Pruner.apply(dest, instance, retention, zone(), null, false, log);
                        long removed = decisions.stream().filter(x -> !x.keep()).count();
                        entry.put("retention", ReportSections.pruned(decisions, retention.toString(), false));
                        log.info(d.id() + ": kept " + (decisions.size() - removed) + ", removed " + removed + " (policy " + retention + ")");
                    }
                } catch (OwuiException e) {
                    log.warn("destination " + d.id() + ": " + e.getMessage());
                    failed.add(d.id() + " (" + e.getMessage() + ")");
                    AbstractTargetMojo.failed(entry, e);
                    table.row(d.id(), "-", "FAILED", "-", "-");
                }
            }
        }
        log.info("");
        table.printTo(log);
        if (!failed.isEmpty()) {
            throw new OwuiException("copy failed at " + String.join("; ", failed), "fix the named destination and run again: what arrived is shared, not sent again");
        }
        report().section().put("files", files);
        report().section().put("bytesTotal", bytes);
        report().section().put("bytesSent", sent);
        return new Copy(newest, files, bytes, sent);
    }
}
