package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.TargetLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The instance's lock at an S3 target, restic's way: S3 has no O_EXCL, so each run writes its own
 * {@code <prefix>/<instance>/locks/<random>.json} (host, pid, start times: {@link LockInfo}) and then
 * lists the folder. Any other lock means another run: ours is withdrawn and the run fails naming
 * the holder, unless that holder is provably gone (same host, dead pid), which is cleared with a
 * warning. Two runs starting in the same instant both see each other and both fail, which is safe.
 *
 * <p>Why not a conditional write on one lock key: docs/DESIGN-NOTES.md, "The lock of a format 1/2 target".
 */
final class S3Lock implements TargetLock {
    /** Marks locks taken over S3, for the same-JVM rule below. */
    private static final String TOOL = "owui-backup (s3)";
    /**
     * The locks this JVM holds now. A lock naming this very process that is not among them was
     * left by an earlier run in this JVM that could not remove it (the server went away): that
     * holder is provably gone too (Maven daemons, tests).
     */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    private final S3Target target;
    private final String key;
    private final LockInfo mine;
    private final String clearedStale;

    private S3Lock(S3Target target, String key, LockInfo mine, String clearedStale) {
        this.target = target;
        this.key = key;
        this.mine = mine;
        this.clearedStale = clearedStale;
    }

    static S3Lock acquire(S3Target target, String instance) {
        String dir = target.loc().locksPrefix(instance);
        String key = dir + UUID.randomUUID() + ".json";
        LockInfo me = LockInfo.current(TOOL);
        target.put(key, me.toJson());
        HELD.add(key);
        List<String> cleared = new ArrayList<>();
        try {
            for (S3Object o : target.objects(dir)) {
                if (o.key().equals(key)) {
                    continue;
                }
                byte[] content = target.readIfThere(o.key());
                if (content == null) {
                    continue; // released between the listing and the read
                }
                String shown = "s3://" + target.loc().bucket() + "/" + o.key();
                LockInfo holder = LockInfo.parse(content).orElseThrow(() -> new OwuiException(
                        "the lock " + shown + " exists but is not readable as an owui lock",
                        "if no owui run is active on any host, remove it with `" + target.removeCommand(o.key()) + "`"));
                if (!gone(holder, o.key())) {
                    throw new OwuiException("another owui run holds the lock of instance " + instance + " at " + target.location()
                            + " (" + holder.describe() + ")",
                            "wait for it to finish; if no such run exists any more, remove the lock with `" + target.removeCommand(o.key()) + "`");
                }
                target.deleteKeys(List.of(o.key()));
                cleared.add(holder.describe());
            }
        } catch (RuntimeException e) {
            release(target, key);
            throw e;
        }
        return new S3Lock(target, key, me, cleared.isEmpty() ? null
                : "cleared the stale lock of a run that is gone (" + String.join("; ", cleared) + ")");
    }

    /** The holder is provably gone: dead on this host, or an earlier run of this very JVM. */
    private static boolean gone(LockInfo holder, String key) {
        if (holder.provablyDead()) {
            return true;
        }
        LockInfo self = LockInfo.current(TOOL);
        boolean thisProcess = Objects.equals(holder.host(), self.host()) && holder.pid() == self.pid()
                && Objects.equals(holder.processStart(), self.processStart());
        return thisProcess && TOOL.equals(holder.tool()) && !HELD.contains(key);
    }

    private static void release(S3Target target, String key) {
        try {
            target.deleteKeys(List.of(key));
        } catch (RuntimeException ignored) {
            // the server is gone: the next run on this host finds the lock's holder dead and clears it
        } finally {
            HELD.remove(key);
        }
    }

    @Override
    public String clearedStale() {
        return clearedStale;
    }

    @Override
    public void close() {
        release(target, key);
    }

    @Override
    public String toString() {
        return "S3Lock[" + key + ", " + mine.describe() + "]";
    }
}
