package dev.owui.backup.diff;

import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import java.util.List;

/**
 * "What changed since last night?": compares two backups of an instance at a target by their
 * manifests alone (no stored file is read, so it is quick on any target and storage), and returns
 * the differences (render.DiffRender prints them). An encrypted manifest is opened with the keys,
 * as restore does. Either backup may be format 3 (its head and entry chunks are the manifest).
 */
public final class BackupDiff {
    public static final int DEFAULT_LIMIT = 50;

    private final EngineLog log;
    private final DecryptionKeys keys;
    private final int limit;

    /** @param limit entries listed per category (0: counts only) */
    public BackupDiff(EngineLog log, DecryptionKeys keys, int limit) {
        if (limit < 0) {
            throw new dev.owui.backup.OwuiException("owui.diffLimit=" + limit + " is negative",
                    "give how many files to list per category, 0 for the counts only (default " + DEFAULT_LIMIT + ")");
        }
        this.log = log;
        this.keys = keys == null ? DecryptionKeys.none() : keys;
        this.limit = limit;
    }

    /** Compares the chosen backups (see {@link DiffSelection}: null for the two newest) of a target without format 3 backups. */
    public DiffResult run(Target target, String instance, String choice) {
        return run(target, null, instance, choice);
    }

    /**
     * Compares the chosen backups among both formats at the target: {@code repo} is the
     * instance's format 3 repository there, or null when it has none. An id in both formats is
     * taken from format 3, as restore takes it.
     */
    public DiffResult run(Target target, Repository repo, String instance, String choice) {
        Catalog catalog = new Catalog(target, InstanceNames.check(instance));
        List<String> format2 = catalog.ids();
        List<String> format3 = repo == null ? List.of() : repo.backups().list();
        List<String> ids = TargetRepo.merged(format2, format3);
        DiffSelection pick = DiffSelection.choose(ids, choice, "instance '" + instance + "' at " + target.location());
        if (pick.backwards(ids)) {
            log.warn(pick.oldId() + " is newer than " + pick.newId() + ": the diff shows the way back (added means only in " + pick.newId() + ")");
        }
        DiffSide before = side(target, repo, instance, pick.oldId(), format2, format3);
        DiffSide after = side(target, repo, instance, pick.newId(), format2, format3);
        return ManifestDiff.compare(target.location(), instance, before, after, limit);
    }

    private DiffSide side(Target target, Repository repo, String instance, String id, List<String> format2, List<String> format3) {
        if (format3.contains(id)) {
            if (format2.contains(id)) {
                log.warn("backup " + id + " exists in both format 2 (a tree) and format 3 (a head) at " + target.location()
                        + "; the format 3 backup is compared");
            }
            return DiffSide.of(repo, id, keys);
        }
        return DiffSide.of(Manifests.read(target, instance, id, keys));
    }
}
