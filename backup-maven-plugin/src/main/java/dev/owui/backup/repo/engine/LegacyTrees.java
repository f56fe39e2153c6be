package dev.owui.backup.repo.engine;

import dev.owui.backup.format.BackupId;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.util.ArrayList;
import java.util.List;

/**
 * The format 1/2 trees beside a repository, as a format 3 writer must see them (FORMAT.md,
 * "Formats 1 and 2 at a format 3 target"): their ids are taken (one id names one backup at a
 * target, whatever its format), and while there are trees the writer holds their {@code .lock}
 * too, so a format 2 run (which takes only that lock) never interleaves with it there.
 */
final class LegacyTrees {
    private LegacyTrees() {
    }

    /**
     * The instance's {@code .lock} at {@code target} when it holds trees (complete, or a
     * {@code .partial} being written), else null (a target holding only the repository gets no
     * such file). Taken before the repository's lock, in the order owui:prune takes both.
     */
    static TargetLock lockIfTrees(Target target, String instance, EngineLog log) {
        if (target == null || (target.backups(instance).isEmpty() && target.incomplete(instance).isEmpty())) {
            return null;
        }
        TargetLock lock = target.lock(instance);
        if (lock.clearedStale() != null) {
            log.warn(lock.clearedStale());
        }
        return lock;
    }

    /** The ids the trees at {@code target} hold or are being written under; none without a target. */
    static List<String> ids(Target target, String instance) {
        if (target == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(target.backups(instance));
        target.incomplete(instance).stream().filter(BackupId::isValid).forEach(out::add);
        return out;
    }
}
