package dev.owui.backup.diff;

import dev.owui.backup.backup.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import java.util.List;

/**
 * "What changed since last night?": compares two backups of an instance at a target by their
 * manifests alone (no stored file is read, so it is quick on any target and storage), prints the
 * summary and returns it. An encrypted manifest is opened with the keys, as restore does.
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

    /** Compares the chosen backups (see {@link DiffSelection}: null for the two newest). */
    public DiffResult run(Target target, String instance, String choice) {
        Catalog catalog = new Catalog(target, InstanceNames.check(instance));
        List<String> ids = catalog.ids();
        DiffSelection pick = DiffSelection.choose(ids, choice, "instance '" + instance + "' at " + target.location());
        if (pick.backwards(ids)) {
            log.warn(pick.oldId() + " is newer than " + pick.newId() + ": the diff shows the way back (added means only in " + pick.newId() + ")");
        }
        Manifest before = Manifests.read(target, instance, pick.oldId(), keys);
        Manifest after = Manifests.read(target, instance, pick.newId(), keys);
        DiffResult r = ManifestDiff.compare(target.location(), instance, before, after, limit);
        DiffReport.print(r, log);
        return r;
    }
}
