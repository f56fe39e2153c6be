package dev.owui.backup.retention;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the newest N complete backups of an instance at a target and removes the rest, the
 * rotation of the tutorial's snapshot script. Run only after a successful backup; the one just
 * made is never removed, whatever the clocks say. Calendar rules (restic's keep-daily and
 * friends) come with the remote-targets work.
 */
public final class KeepLast {
    private KeepLast() {
    }

    /** Checks the operator's number before anything is written. */
    public static int check(int keep) {
        if (keep < 1) {
            throw new OwuiException("owui.keep is " + keep + ": at least the newest snapshot must be kept",
                    "set owui.keep to 1 or more (default 7)");
        }
        return keep;
    }

    /** Which ids go: all but the newest {@code keep}, never {@code justMade}. Ids oldest first. */
    public static List<String> toRemove(List<String> ids, int keep, String justMade) {
        check(keep);
        List<String> out = new ArrayList<>(ids.subList(0, Math.max(0, ids.size() - keep)));
        out.remove(justMade);
        return out;
    }

    /** Removes what {@link #toRemove} names, under the instance's lock; returns the removed ids. */
    public static List<String> apply(Target target, String instance, int keep, String justMade, EngineLog log) {
        try (TargetLock lock = target.lock(instance)) {
            List<String> doomed = toRemove(target.backups(instance), keep, justMade);
            for (String id : doomed) {
                target.delete(instance, id);
                log.info("removed " + id + " (keeping the newest " + keep + ")");
            }
            return doomed;
        }
    }
}
