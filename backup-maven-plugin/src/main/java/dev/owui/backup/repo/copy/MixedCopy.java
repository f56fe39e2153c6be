package dev.owui.backup.repo.copy;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.transfer.BackupCopier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Copies chosen backups of both formats from one target to another (owui:copy): format 3 backups
 * into the destination's repository as stored ({@link RepoCopier}), format 1/2 trees either as
 * trees ({@link BackupCopier}) or imported into the destination's repository ({@link TreeImport}),
 * as the destination's format says. Ids the destination holds in either format are not copied
 * again. One destination per call; the caller loops over destinations and applies retention.
 */
public final class MixedCopy {
    /** The format a copy writes when the destination decides: format 3 where it holds a repository or nothing, trees where it holds only trees. */
    public static final int AUTO = 0;

    /**
     * @param instance  the instance's folder name at both targets
     * @param toFormat  2 or 3 as the operator asked, or {@link #AUTO} to decide per destination
     * @param codec     the compression and encryption of imported trees (toFormat 3 or auto), else null
     * @param required  whether {@code codec} was given for the destination, so that a format 3 backup
     *                  stored otherwise is refused rather than copied as stored (toFormat 3 only)
     * @param keys      opens encrypted manifests and entries; asked for only when one is read
     * @param threads   files or objects transferred at once
     * @param scratch   local scratch for objects being encoded
     * @param capture   local staging of imported trees' databases
     * @param pageMaps  local cache of the page maps imports read
     */
    public record Options(String instance, int toFormat, CodecSettings codec, boolean required, Supplier<DecryptionKeys> keys, int threads,
                          Path scratch, Path capture, Path pageMaps) {
    }

    /** The backups to copy, by format at the source: trees (formats 1 and 2) and heads (format 3). */
    public record Selection(List<String> trees, List<String> heads) {
        public List<String> all() {
            return TargetRepo.merged(trees, heads);
        }
    }

    /**
     * One backup's outcome at a destination: sent, or already there ({@code skipped}); what was
     * sent and what the destination held already. {@code format3} is the repository copy's detail
     * for a format 3 backup copied as stored, else null.
     */
    public record Copied(String backupId, boolean skipped, long files, long bytesSent, long bytesShared, RepoCopier.Copied format3) {
        static Copied of(BackupCopier.Copied c) {
            return new Copied(c.backupId(), c.skipped(), c.files(), c.bytesSent(), c.bytesShared(), null);
        }

        static Copied already(String id) {
            return new Copied(id, true, 0, 0, 0, null);
        }
    }

    private final EngineLog log;
    private final Options o;

    public MixedCopy(EngineLog log, Options o) {
        this.log = log;
        this.o = o;
    }

    /**
     * owui.backupId over both formats at the source: {@code all} every backup of either, else the
     * newest or the one named (a format 3 head wins over a tree of the same id, as for restore).
     */
    public Selection select(Target src, List<String> heads, String backupId) {
        List<String> trees = src.backups(o.instance());
        if (trees.isEmpty() && heads.isEmpty()) {
            new Catalog(src, o.instance()).select(backupId); // fails naming the instances there
        }
        if (Catalog.ALL.equals(backupId)) {
            return new Selection(trees.stream().filter(id -> !heads.contains(id)).toList(), heads);
        }
        var choice = TargetRepo.choose(trees, heads, backupId, src.location(), o.instance(), log);
        return choice.repo() ? new Selection(List.of(), List.of(choice.backupId())) : new Selection(List.of(choice.backupId()), List.of());
    }

    /**
     * Copies {@code sel} from {@code src} (its repository {@code srcRepo}, if any) to the destination
     * {@code dest} (its object store {@code destStore}, named {@code destId} in log lines); the
     * outcomes oldest first.
     */
    public List<Copied> copy(Target src, Optional<Repository> srcRepo, Selection sel, String destId, Target dest, ObjectStore destStore) {
        List<Copied> done = new ArrayList<>();
        int to = o.toFormat() != AUTO ? o.toFormat() : FormatChoice.formatAt(dest, destStore, o.instance());
        if (o.toFormat() == AUTO && to == 2 && !sel.trees().isEmpty()) {
            log.info(destId + " holds format 1/2 backups of instance '" + o.instance() + "' and no format 3 repository: the trees are"
                    + " copied as trees (owui.toFormat=auto); -Dowui.toFormat=3 imports them into a repository beside them");
        }
        if (!sel.heads().isEmpty()) {
            refuseFormat2Destination(sel.heads(), src, dest, destStore, to);
            done.addAll(copyRepo(srcRepo.orElseThrow(), dest, destStore, sel.heads()));
        }
        if (!sel.trees().isEmpty()) {
            done.addAll(to == 3 ? importAll(src, dest, destStore, sel.trees()) : copyAll(src, dest, destStore, sel.trees()));
        }
        done.sort(Comparator.comparing(Copied::backupId, BackupId::compare));
        return done;
    }

    /**
     * A format 3 backup has no tree to copy, so it goes only into a repository: one the destination
     * holds, one it starts when empty, or one beside its trees when owui.toFormat=3 asks for it.
     */
    private void refuseFormat2Destination(List<String> heads, Target src, Target dest, ObjectStore destStore, int to) {
        if (to == 3 || RepoAtTarget.existing(destStore, o.instance(), o.scratch(), EngineLog.SILENT).isPresent() || dest.backups(o.instance()).isEmpty()) {
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
    private List<Copied> copyRepo(Repository from, Target dest, ObjectStore destStore, List<String> heads) {
        Repository to = RepoStores.repository(destStore, o.instance(), o.scratch(), log);
        // Settings given for the destination make a copy refuse what is stored otherwise only when 3 was asked for.
        boolean given = o.toFormat() != AUTO && o.codec() != null && o.required();
        RepoCopier.Required required = given ? new RepoCopier.Required(o.codec().recorded(), o.codec().encryptManifest()) : null;
        List<RepoCopier.Copied> done = new RepoCopier(log).copy(from, to, heads, dest.backups(o.instance()),
                new RepoCopier.Options(o.keys().get(), o.threads(), required));
        return done.stream().map(c -> new Copied(c.backupId(), c.skipped(), c.files(), c.bytesCopied(), c.bytesPresent(), c)).toList();
    }

    /** owui.toFormat=2: BackupCopier, skipping the ids the destination holds as format 3 backups. */
    private List<Copied> copyAll(Target src, Target dest, ObjectStore destStore, List<String> ids) {
        List<String> there = RepoAtTarget.ids(RepoAtTarget.existing(destStore, o.instance(), o.scratch(), log));
        List<Copied> out = new ArrayList<>();
        List<String> todo = new ArrayList<>();
        for (String id : ids) {
            if (there.contains(id)) {
                log.info(id + " is already at " + dest.location() + " (format 3); not copied again");
                out.add(Copied.already(id));
            } else {
                todo.add(id);
            }
        }
        if (!todo.isEmpty()) {
            new BackupCopier(log, o.threads(), dev.owui.backup.capture.CaptureEvents.NONE, o.keys().get())
                    .copy(src, dest, o.instance(), todo).forEach(c -> out.add(Copied.of(c)));
        }
        return out;
    }

    /**
     * owui.toFormat=3: each format 1/2 backup the destination holds in neither format is imported
     * into its repository (oldest first, so each reuses what the one before stored).
     */
    private List<Copied> importAll(Target src, Target dest, ObjectStore destStore, List<String> ids) {
        List<String> ordered = new ArrayList<>(ids);
        ordered.sort(BackupId::compare);
        List<Copied> out = new ArrayList<>();
        Repository repo = RepoStores.repository(destStore, o.instance(), o.scratch(), log);
        List<String> trees = dest.backups(o.instance());
        TreeImport.Options io = new TreeImport.Options(o.codec(), o.keys().get(), o.capture(), o.pageMaps(), o.threads());
        for (String id : ordered) {
            if (trees.contains(id) || repo.backups().list().contains(id)) {
                log.info(id + " is already at " + dest.location() + "; not copied again");
                out.add(Copied.already(id));
                continue;
            }
            var r = new TreeImport(log).run(src, o.instance(), id, repo, io);
            out.add(new Copied(id, false, r.files(), r.bytesWritten(), r.head().totals().bytesReused(), null));
        }
        return out;
    }
}
