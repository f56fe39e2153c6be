package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.restore.ReadData;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import dev.owui.backup.store.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Re-reads stored backups: every file against its SHA-256, integrity_check on every database, the
 * file rows against the uploads. Fails listing every damage found, and records the damaged files at
 * the target (damage/) so the next backup stores them anew rather than sharing the damaged copies.
 * Format 3 backups (a repository at the target) are verified the same way, reading the part of
 * their objects that owui.readData names.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractTargetMojo {

    /** The backup to verify: an id, {@code all} (every backup of both formats), or unset for the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    /**
     * For format 3 backups, which stored objects are read back: {@code all} (the default: verify
     * reads everything, as it always has), {@code none} (every head and chunk read, every object
     * checked to exist with its size, no content read), {@code n/t} such as {@code 1/7} (the n-th
     * of t parts by object name, so t runs read everything once: restic's read-data-subset), or a
     * percentage such as {@code 10%} (a part that changes each day). Format 1/2 backups are always
     * read whole, whatever this says.
     */
    @Parameter(property = "owui.readData", defaultValue = "all")
    private String readData;

    @Override
    protected String goal() {
        return "verify";
    }

    @Override
    protected void run() {
        ReadData read = ReadData.parse(readData, null); // a typo fails before any target is read
        forEachTarget((spec, t) -> verify(spec, t, read));
    }

    private void verify(TargetSpec spec, Target t, ReadData read) {
        EngineLog log = engineLog();
        targetReport().put("location", t.location());
        List<VerifyResult> results = new ArrayList<>();
        RepoVerify.Result r3 = null;
        Repository repository = null;
        try (TargetRepo repo = TargetRepo.open(spec, targetContext(), instance, log)) {
            if (repo.repository().isEmpty()) {
                results.addAll(new Verifier(log, decryptionKeys()).run(t, instance, backupId));
            } else {
                repository = repo.repository().get();
                List<String> format2 = new Catalog(t, instance).ids();
                List<String> format3 = repo.ids();
                String only = null;
                boolean all = Catalog.ALL.equals(backupId);
                if (all) {
                    if (format2.isEmpty() && format3.isEmpty()) {
                        throw new OwuiException("no backups of instance '" + instance + "' at " + t.location(),
                                "check owui.target and owui.instance; run owui:backup first");
                    }
                    if (!format2.isEmpty()) {
                        results.addAll(new Verifier(log, decryptionKeys()).run(t, instance, Catalog.ALL));
                    }
                } else {
                    TargetRepo.Choice c = TargetRepo.choose(format2, format3, backupId, t.location(), instance, log);
                    if (c.repo()) {
                        only = c.backupId();
                    } else {
                        results.addAll(new Verifier(log, decryptionKeys()).run(t, instance, c.backupId()));
                    }
                }
                if (only != null || all && !format3.isEmpty()) {
                    log.info("verifying " + (only == null ? "all " + format3.size() + " format 3 backups" : "format 3 backup " + only)
                            + " at " + t.location() + " (owui.readData=" + read + ")");
                    r3 = new RepoVerify(repository).run(new RepoVerify.Options(only, read, decryptionKeys(), true));
                }
            }
            report(log, t, results, r3, repository, read);
        }
    }

    private void report(EngineLog log, Target t, List<VerifyResult> results, RepoVerify.Result r3, Repository repo, ReadData read) {
        List<Map<String, Object>> backups = new ArrayList<>(results.stream().map(ReportSections::verified).toList());
        Table table = new Table("backup", "files", "read", "result").right(1, 2);
        long damaged = 0;
        int count = results.size();
        for (VerifyResult r : results) {
            table.row(r.backupId(), Sizes.count(r.files()), Sizes.bytes(r.bytes()), r.whole() ? "ok" : r.damages().size() + " damaged");
            r.notes().forEach(n -> log.info(r.backupId() + ": " + n));
            for (String d : r.damages()) {
                log.warn(r.backupId() + ": DAMAGED " + d);
            }
            damaged += r.whole() ? 0 : 1;
        }
        List<String> named = new ArrayList<>();
        if (r3 != null) {
            Map<String, List<RepoVerify.Problem>> by = r3.byBackup();
            List<String> ids = new ArrayList<>(r3.backups());
            by.keySet().stream().filter(id -> id != null && !ids.contains(id)).forEach(ids::add);
            for (String id : ids) {
                List<RepoVerify.Problem> problems = new ArrayList<>(by.getOrDefault(id, List.of()));
                if (id.equals(ids.get(ids.size() - 1))) {
                    problems.addAll(by.getOrDefault(null, List.of())); // damaged objects no backup names any more
                }
                Long files = null;
                try {
                    BackupHead h = repo.backups().head(id);
                    files = h.totals() == null ? null : h.totals().files();
                } catch (OwuiException e) {
                    // an unreadable head is among the problems already
                }
                backups.add(ReportSections.verified3(id, files, problems));
                table.row(id, files == null ? "?" : Sizes.count(files), "(format 3)", problems.isEmpty() ? "ok" : problems.size() + " damaged");
                for (RepoVerify.Problem p : problems) {
                    String line = ReportSections.line(p);
                    log.warn(id + ": DAMAGED " + line);
                    if (named.size() < 5) {
                        named.add("backup " + id + ": " + line);
                    }
                }
                damaged += problems.isEmpty() ? 0 : 1;
                count++;
            }
            r3.warnings().forEach(log::warn);
            targetReport().put("readData", read.toString());
            targetReport().put("objectsRead", r3.objectsRead());
            targetReport().put("bytesRead", r3.bytesRead());
            targetReport().put("databasesChecked", r3.databasesChecked());
            targetReport().put("warnings", r3.warnings());
            log.info("format 3: read " + Sizes.count(r3.objectsRead()) + " object(s), " + Sizes.bytes(r3.bytesRead()) + ", "
                    + Sizes.count(r3.databasesChecked()) + " database(s) reassembled and checked (owui.readData=" + read + ")");
            if (r3.record() != null) {
                log.info("recorded " + r3.record().objects().size() + " damaged object(s) at " + repo.where("damage/" + r3.record().id() + ".json")
                        + ": the next backup stores their content anew instead of sharing the damaged copies");
            }
            if (r3.recordsDropped() > 0) {
                log.info("dropped " + r3.recordsDropped() + " damage record(s) whose objects all read intact now");
            }
        }
        targetReport().put("backups", backups);
        table.printTo(log);
        if (damaged > 0) {
            throw new OwuiException(damaged + " of " + count + " backup(s) damaged at " + t.location()
                    + (named.isEmpty() ? " (listed above)" : ": " + String.join("; ", named) + (named.size() == 5 ? "; … (listed above)" : "")),
                    "do not rely on them: take a fresh backup now (it stores the damaged files anew instead of sharing them;"
                            + " -Dowui.full=true stores every file anew), and restore only from a backup that verifies");
        }
        log.info(count == 1 ? "backup " + backups.get(0).get("backupId") + " is whole" : "all " + count + " backups are whole");
    }
}
