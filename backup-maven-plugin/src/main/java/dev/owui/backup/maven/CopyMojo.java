package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.copy.RepoCopier;
import dev.owui.backup.repo.store.ObjectStore;
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
import java.util.Optional;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Copies complete backups from one target to another (the weekly copy pulled to the NAS): every
 * file checked against its SHA-256 on the way, files the destination already holds shared there
 * instead of sent. With {@code owui.plan} naming a copy plan, copies from its {@code copyFrom} to
 * each of its targets and applies its retention there. Compressed and encrypted files travel as
 * stored (no key needed); an encrypted manifest needs the passphrase or secret key to be read.
 * Format 3 backups at the source are copied into the destination's repository object by object
 * ({@link RepoCopier}: what it lacks, each checked against its name, then the head); a source
 * holding both formats copies both kinds.
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
     * The format the copies of format 1/2 backups take at the destination: {@code auto} (default)
     * imports them into the destination's format 3 repository when it holds one or nothing of the
     * instance yet, and copies them as trees where it holds only format 1/2 backups (one line says
     * so); {@code 3} always imports (compressed and encrypted as owui.compression, owui.recipients
     * and the passphrase say); {@code 2} always copies the tree as stored at the source. A format 3
     * backup is always copied as format 3, as stored (never re-encoded): into a destination that
     * holds a repository or nothing, or, with {@code 3}, beside its trees.
     */
    @Parameter(property = "owui.toFormat", defaultValue = "auto")
    private String toFormat;

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
        Integer explicitTo = explicitToFormat(); // null: auto, decided per destination
        dev.owui.backup.codec.CodecSettings codec = explicitTo == null || explicitTo == 3 ? CodecParameters.writeSettings(compression, zstdLevel, passphrase(),
                recipients == null ? List.of() : recipients.stream().map(f -> resolve(f)).toList(), encryptManifest) : null;
        java.nio.file.Path scratch = home().resolve(".cache/owui-backup/format3/scratch");
        try (Target src = Targets.open(source, targetContext()); ObjectStore srcStore = RepoStores.open(source, targetContext())) {
            Optional<Repository> srcRepo = RepoAtTarget.existing(srcStore, instance, scratch, log);
            Selection sel = select(src, RepoAtTarget.ids(srcRepo));
            report().section().put("backupIds", sel.all());
            for (TargetSpec d : destinations) {
                java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
                entry.put("id", d.id());
                entry.put("url", d.url());
                entry.put("result", "success");
                List<Object> copied = new ArrayList<>();
                entry.put("backups", copied);
                report().list("destinations").add(entry);
                try (Target dest = Targets.open(d, targetContext()); ObjectStore destStore = RepoStores.open(d, targetContext())) {
                    List<Row> done = new ArrayList<>();
                    int to = explicitTo != null ? explicitTo : dev.owui.backup.repo.FormatChoice.formatAt(dest, destStore, instance);
                    if (explicitTo == null && to == 2 && !sel.trees().isEmpty()) {
                        log.info(d.id() + " holds format 1/2 backups of instance '" + instance + "' and no format 3 repository: the trees are"
                                + " copied as trees (owui.toFormat=auto); -Dowui.toFormat=3 imports them into a repository beside them");
                    }
                    if (!sel.heads().isEmpty()) {
                        refuseFormat2Destination(sel.heads(), src, dest, destStore, to);
                        // Settings given for the destination make a copy refuse what is stored otherwise only when 3 was asked for.
                        done.addAll(copyRepo(srcRepo.orElseThrow(), dest, destStore, sel.heads(), explicitTo == null ? null : codec, scratch, log));
                    }
                    if (!sel.trees().isEmpty()) {
                        List<BackupCopier.Copied> trees = to == 3 ? importAll(src, dest, destStore, sel.trees(), codec, scratch, log)
                                : copyAll(src, d, dest, sel.trees(), log);
                        trees.forEach(c -> done.add(new Row(c, java.util.Map.of())));
                    }
                    done.sort((a, b) -> dev.owui.backup.format.BackupId.compare(a.c().backupId(), b.c().backupId()));
                    for (Row r : done) {
                        BackupCopier.Copied c = r.c();
                        table.row(d.id(), c.backupId(), c.skipped() ? "already there" : "copied", Sizes.bytes(c.bytesSent()), Sizes.bytes(c.bytesShared()));
                        newest = c.backupId();
                        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                        row.put("backupId", c.backupId());
                        row.put("action", c.skipped() ? "alreadyThere" : "copied");
                        row.put("files", c.files());
                        row.put("bytesSent", c.bytesSent());
                        row.put("bytesShared", c.bytesShared());
                        row.putAll(r.extra());
                        copied.add(row);
                        files += c.files();
                        sent += c.bytesSent();
                        bytes += c.bytesSent() + c.bytesShared();
                    }
                    if (retention != null) {
                        retain(d, dest, destStore, retention, done.isEmpty() ? null : done.get(done.size() - 1).c().backupId(), scratch, entry, log);
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

    /** One backup's line in the table, and what the JSON report adds for a format 3 copy. */
    private record Row(BackupCopier.Copied c, java.util.Map<String, Object> extra) {
    }

    /** The backups to copy, by format at the source: trees (formats 1 and 2) and heads (format 3). */
    private record Selection(List<String> trees, List<String> heads) {
        List<String> all() {
            return dev.owui.backup.repo.restore.TargetRepo.merged(trees, heads);
        }
    }

    /**
     * owui.backupId over both formats at the source: {@code all} every backup of either, else the
     * newest or the one named (a format 3 head wins over a tree of the same id, as for restore).
     */
    private Selection select(Target src, List<String> heads) {
        List<String> trees = src.backups(instance);
        if (trees.isEmpty() && heads.isEmpty()) {
            new Catalog(src, instance).select(backupId); // fails naming the instances there
        }
        if (Catalog.ALL.equals(backupId)) {
            return new Selection(trees.stream().filter(id -> !heads.contains(id)).toList(), heads);
        }
        var choice = dev.owui.backup.repo.restore.TargetRepo.choose(trees, heads, backupId, src.location(), instance, engineLog());
        return choice.repo() ? new Selection(List.of(), List.of(choice.backupId())) : new Selection(List.of(choice.backupId()), List.of());
    }

    /** owui.toFormat: 2 or 3 as given, null for auto (per destination); anything else fails before any work. */
    private Integer explicitToFormat() {
        String v = toFormat == null ? "" : toFormat.trim();
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "", "auto" -> null;
            case "2" -> 2;
            case "3" -> 3;
            default -> throw new OwuiException("owui.toFormat=" + v + " is not a format a copy can write",
                    "use auto (the default: format 3 into a destination that holds a repository or nothing, trees where it holds only trees),"
                            + " 3 (import into the destination's format 3 repository) or 2 (the tree as stored)");
        };
    }

    /**
     * A format 3 backup has no tree to copy, so it goes only into a repository: one the destination
     * holds, one it starts when empty, or one beside its trees when owui.toFormat=3 asks for it.
     */
    private void refuseFormat2Destination(List<String> heads, Target src, Target dest, ObjectStore destStore, int to) {
        if (to == 3 || RepoAtTarget.existing(destStore, instance, home(), EngineLog.SILENT).isPresent() || dest.backups(instance).isEmpty()) {
            return;
        }
        throw new OwuiException(heads.size() + " backup(s) to copy from " + src.location() + " are format 3 (" + String.join(", ", heads) + "), and "
                + dest.location() + " holds format 1/2 backups only: copying a format 3 backup into format 2 is not offered",
                "add -Dowui.toFormat=3 to copy into a format 3 repository beside the trees there (list, verify, restore and prune read both), "
                        + "copy to an empty target, or name a format 1/2 backup with -Dowui.backupId");
    }

    /**
     * Format 3 backups at the source: copied into the destination's repository as stored (objects
     * it lacks, then the head), skipping ids it holds in either format. With owui.toFormat=3 and
     * storage settings given, a backup stored otherwise is refused, not re-encoded (FORMAT.md, "Copy").
     */
    private List<Row> copyRepo(Repository from, Target dest, ObjectStore destStore, List<String> heads,
                               dev.owui.backup.codec.CodecSettings codec, java.nio.file.Path scratch, EngineLog log) {
        Repository to = dev.owui.backup.repo.RepoStores.repository(destStore, instance, scratch, log);
        boolean given = codec != null && (codec.compress() || (recipients != null && !recipients.isEmpty()) || encryptManifest);
        RepoCopier.Required required = given ? new RepoCopier.Required(codec.recorded(), codec.encryptManifest()) : null;
        List<RepoCopier.Copied> done = new RepoCopier(log).copy(from, to, heads, dest.backups(instance),
                new RepoCopier.Options(decryptionKeys(), threads, required));
        List<Row> out = new ArrayList<>();
        for (RepoCopier.Copied c : done) {
            java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
            extra.put("format", 3);
            extra.put("objectsCopied", c.objectsCopied());
            extra.put("bytesCopied", c.bytesCopied());
            extra.put("objectsPresent", c.objectsPresent());
            extra.put("bytesPresent", c.bytesPresent());
            extra.put("objectsRepaired", c.objectsRepaired());
            out.add(new Row(new BackupCopier.Copied(c.backupId(), c.skipped(), c.files(), c.bytesCopied(), c.bytesPresent()), extra));
        }
        return out;
    }

    /** A copy plan's retention at a destination, over both formats when it holds a repository. */
    private void retain(TargetSpec d, Target dest, ObjectStore destStore, Policy retention, String protect, java.nio.file.Path scratch,
                        java.util.Map<String, Object> entry, EngineLog log) {
        List<Decision> decisions;
        if (RepoAtTarget.existing(destStore, instance, scratch, log).isPresent()) {
            decisions = dev.owui.backup.retention.MixedPruner.apply(dest, destStore, instance, retention, zone(), protect, false, decryptionKeys(),
                    scratch, log).decisions();
        } else {
            decisions = Pruner.apply(dest, instance, retention, zone(), null, false, log);
        }
        long removed = decisions.stream().filter(x -> !x.keep()).count();
        entry.put("retention", ReportSections.pruned(decisions, retention.toString(), false));
        log.info(d.id() + ": kept " + (decisions.size() - removed) + ", removed " + removed + " (policy " + retention + ")");
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
            out.addAll(new BackupCopier(log, threads, dev.owui.backup.capture.CaptureEvents.NONE, decryptionKeys()).copy(src, dest, instance, todo));
        }
        out.sort((a, b) -> dev.owui.backup.format.BackupId.compare(a.backupId(), b.backupId()));
        return out;
    }

    /**
     * owui.toFormat=3: each format 1/2 backup the destination holds in neither format is imported
     * into its repository (oldest first, so each reuses what the one before stored).
     */
    private List<BackupCopier.Copied> importAll(Target src, Target dest, ObjectStore destStore, List<String> ids,
                                                dev.owui.backup.codec.CodecSettings codec, java.nio.file.Path scratch, EngineLog log) {
        List<String> ordered = new ArrayList<>(ids);
        ordered.sort(dev.owui.backup.format.BackupId::compare);
        java.nio.file.Path cache = home().resolve(".cache/owui-backup/format3");
        List<BackupCopier.Copied> out = new ArrayList<>();
        Repository repo = dev.owui.backup.repo.RepoStores.repository(destStore, instance, scratch, log);
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
        return out;
    }
}
