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

    /**
     * The format the copies take at the destination: {@code 2} (default: the tree as stored at the
     * source) or {@code 3} (imported into the destination's format 3 repository, compressed and
     * encrypted as owui.compression, owui.recipients and the passphrase say).
     */
    @Parameter(property = "owui.toFormat", defaultValue = "2")
    private int toFormat;

    /** With owui.toFormat=3: {@code zstd} or {@code none} for the imported objects. */
    @Parameter(property = "owui.compression", defaultValue = "none")
    private String compression;

    /** With owui.toFormat=3: the zstd level of the imported objects. */
    @Parameter(property = "owui.zstdLevel", defaultValue = "3")
    private int zstdLevel;

    /** With owui.toFormat=3: public key files the imported objects are encrypted to. */
    @Parameter(property = "owui.recipients")
    private List<java.io.File> recipients;

    /** With owui.toFormat=3: also encrypt the imported backups' entries. */
    @Parameter(property = "owui.encryptManifest", defaultValue = "false")
    private boolean encryptManifest;

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
        if (toFormat != 2 && toFormat != 3) {
            throw new OwuiException("owui.toFormat=" + toFormat + " is not a format a copy can write",
                    "use 2 (the default: the tree as stored) or 3 (import into the destination's format 3 repository)");
        }
        dev.owui.backup.codec.CodecSettings codec = toFormat == 3 ? CodecParameters.writeSettings(compression, zstdLevel, passphrase(),
                recipients == null ? List.of() : recipients.stream().map(f -> resolve(f)).toList(), encryptManifest) : null;
        try (Target src = Targets.open(source, targetContext())) {
            refuseFormat3(source, src, log);
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
                    List<BackupCopier.Copied> done = toFormat == 3 ? importAll(src, d, dest, ids, codec, retention, entry, log)
                            : copyAll(src, d, dest, ids, log);
                    for (BackupCopier.Copied c : done) {
                        table.row(d.id(), c.backupId(), c.skipped() ? "already there" : "copied", Sizes.bytes(c.bytesSent()), Sizes.bytes(c.bytesShared()));
                        newest = c.backupId();
                        copied.add(java.util.Map.of("backupId", c.backupId(), "action", c.skipped() ? "alreadyThere" : "copied",
                                "files", c.files(), "bytesSent", c.bytesSent(), "bytesShared", c.bytesShared()));
                        files += c.files();
                        sent += c.bytesSent();
                        bytes += c.bytesSent() + c.bytesShared();
                    }
                    if (retention != null && toFormat == 2) {
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

    /**
     * Copying a format 3 backup is not built yet: a named (or the newest) backup that is one fails
     * the run; with {@code all} the format 3 backups at the source are left with a warning.
     */
    private void refuseFormat3(TargetSpec source, Target src, EngineLog log) {
        List<String> format3;
        try (dev.owui.backup.repo.restore.TargetRepo r = dev.owui.backup.repo.restore.TargetRepo.open(source, targetContext(), instance, log)) {
            format3 = r.ids();
        }
        if (format3.isEmpty()) {
            return;
        }
        if (Catalog.ALL.equals(backupId)) {
            log.warn(format3.size() + " format 3 backup(s) at " + src.location() + " are not copied: copying a format 3 backup is not built yet");
            return;
        }
        var choice = dev.owui.backup.repo.restore.TargetRepo.choose(src.backups(instance), format3, backupId, src.location(), instance, log);
        if (choice.repo()) {
            throw new OwuiException("backup " + choice.backupId() + " at " + src.location() + " is a format 3 backup: copying a format 3 backup is not built yet",
                    "copy a format 1/2 backup (-Dowui.backupId=<id>), or make a format 3 backup at the destination with owui:backup -Dowui.format=3");
        }
    }

    /** owui.toFormat=2: BackupCopier, skipping the ids the destination holds as format 3 backups. */
    private List<BackupCopier.Copied> copyAll(Target src, TargetSpec d, Target dest, List<String> ids, EngineLog log) {
        List<String> there;
        try (dev.owui.backup.repo.restore.TargetRepo r = dev.owui.backup.repo.restore.TargetRepo.open(d, targetContext(), instance, log)) {
            there = r.ids();
        }
        List<BackupCopier.Copied> out = new ArrayList<>();
        List<String> todo = new ArrayList<>();
        for (String id : ids) {
            if (there.contains(id)) {
                log.info(id + " is already at " + dest.location() + " (format 3); not copied again");
                out.add(new BackupCopier.Copied(id, true, 0, 0, 0));
            } else {
                todo.add(id);
            }
        }
        if (!todo.isEmpty()) {
            out.addAll(new BackupCopier(log, threads, dev.owui.backup.backup.BackupRunner.Listener.NONE, decryptionKeys()).copy(src, dest, instance, todo));
        }
        out.sort((a, b) -> dev.owui.backup.format.BackupId.compare(a.backupId(), b.backupId()));
        return out;
    }

    /**
     * owui.toFormat=3: each backup the destination holds in neither format is imported into its
     * repository (oldest first, so each reuses what the one before stored), then the retention
     * decides over both formats there.
     */
    private List<BackupCopier.Copied> importAll(Target src, TargetSpec d, Target dest, List<String> ids, dev.owui.backup.codec.CodecSettings codec,
                                                Policy retention, java.util.Map<String, Object> entry, EngineLog log) {
        List<String> ordered = new ArrayList<>(ids);
        ordered.sort(dev.owui.backup.format.BackupId::compare);
        java.nio.file.Path cache = home().resolve(".cache/owui-backup/format3");
        List<BackupCopier.Copied> out = new ArrayList<>();
        try (dev.owui.backup.repo.store.ObjectStore store = dev.owui.backup.repo.RepoStores.open(d, targetContext())) {
            dev.owui.backup.repo.Repository repo = dev.owui.backup.repo.RepoStores.repository(store, instance, cache.resolve("scratch"), log);
            List<String> trees = dest.backups(instance);
            dev.owui.backup.repo.engine.TreeImport.Options o = new dev.owui.backup.repo.engine.TreeImport.Options(codec, decryptionKeys(),
                    cache.resolve("capture"), home().resolve(".cache/owui-backup/pagemaps"), threads);
            for (String id : ordered) {
                if (trees.contains(id) || repo.backups().list().contains(id)) {
                    log.info(id + " is already at " + dest.location() + "; not copied again");
                    out.add(new BackupCopier.Copied(id, true, 0, 0, 0));
                    continue;
                }
                var r = new dev.owui.backup.repo.engine.TreeImport(log).run(src, instance, id, repo, o);
                out.add(new BackupCopier.Copied(id, false, r.files(), r.bytesWritten(), r.head().totals().bytesReused()));
            }
            if (retention != null) {
                var pruned = dev.owui.backup.retention.MixedPruner.apply(dest, store, instance, retention, zone(),
                        out.isEmpty() ? null : out.get(out.size() - 1).backupId(), false, decryptionKeys(), cache.resolve("scratch"), log);
                long removed = pruned.decisions().stream().filter(x -> !x.keep()).count();
                entry.put("retention", ReportSections.pruned(pruned.decisions(), retention.toString(), false));
                log.info(d.id() + ": kept " + (pruned.decisions().size() - removed) + ", removed " + removed + " (policy " + retention + ")");
            }
        }
        return out;
    }
}
