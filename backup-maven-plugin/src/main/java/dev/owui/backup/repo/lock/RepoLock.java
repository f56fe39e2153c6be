package dev.owui.backup.repo.lock;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.NoSuchObjectException;
import dev.owui.backup.repo.store.StoreStat;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lock held on a repository (FORMAT.md, "Locks"): an object {@code locks/<uuid>.json} on every
 * store, since no store offers a lock primitive (S3 none at all). Taking it = write our own, then
 * list {@code locks/}: if another lock conflicts, withdraw ours and fail naming the holder. Two
 * writers racing may both withdraw (each sees the other); neither goes on alone with the other,
 * which is what matters.
 *
 * <p>A store can only write an object once, so a refresh writes a new lock object and then deletes
 * the previous one (restic's way): at every moment at least one of ours is there. A lock not
 * refreshed for {@link #STALE_AFTER}, or held by a process of this host that is gone, is stale:
 * whoever finds it removes it with a warning.
 */
public final class RepoLock implements AutoCloseable {
    public static final Duration REFRESH_EVERY = Duration.ofMinutes(5);
    public static final Duration STALE_AFTER = Duration.ofMinutes(30);
    static final String DIR = "locks/";

    private final Repository repo;
    private final ScheduledExecutorService refresher;
    private volatile String key;
    private volatile LockInfo info;
    private volatile boolean lost;
    private volatile boolean released;

    private RepoLock(Repository repo, String key, LockInfo info, Duration refreshEvery) {
        this.repo = repo;
        this.key = key;
        this.info = info;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "owui-lock-refresh");
            t.setDaemon(true);
            return t;
        });
        long ms = refreshEvery.toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code command} names the operation to a conflicting writer ("owui:backup"); never the
     * process's command line, which may hold a credential.
     */
    public static RepoLock acquire(Repository repo, boolean exclusive, String command) {
        return acquire(repo, exclusive, REFRESH_EVERY, command);
    }

    /** With another refresh period (tests). */
    public static RepoLock acquire(Repository repo, boolean exclusive, Duration refreshEvery, String command) {
        Instant now = Instant.now();
        LockInfo mine = new LockInfo(host(), ProcessHandle.current().pid(), now, now, exclusive, command);
        String myKey = repo.key(DIR + UUID.randomUUID() + ".json");
        repo.store().writeIfAbsent(myKey, RepoJson.bytes(mine));
        try {
            for (StoreStat s : repo.store().listAll(repo.key(DIR))) {
                if (s.key().equals(myKey)) {
                    continue;
                }
                Optional<LockInfo> other = read(repo, s.key());
                if (other.isEmpty()) {
                    continue; // released (or refreshed under a new name) while we looked
                }
                LockInfo o = other.get();
                if (isStale(o, now)) {
                    repo.log().warn("removing the stale lock " + repo.store().location() + "/" + s.key() + " of " + o.host() + " pid " + o.pid()
                            + " (started " + o.startedAt() + ", last refreshed " + o.refreshedAt() + "): " + staleReason(o, now));
                    repo.store().delete(s.key());
                    continue;
                }
                if (exclusive || o.exclusive()) {
                    throw new OwuiException("the repository at " + repo.where("") + " is locked by " + (o.command() == null ? "another writer" : o.command())
                            + " on " + o.host() + " (pid " + o.pid() + ", since " + o.startedAt() + ", last refreshed " + o.refreshedAt() + ")",
                            "wait for it to finish; if that process is gone (another host that crashed), delete " + s.key()
                                    + " at " + repo.store().location() + " (it is also removed automatically " + STALE_AFTER.toMinutes()
                                    + " minutes after its last refresh)");
                }
            }
        } catch (RuntimeException e) {
            repo.store().delete(myKey);
            throw e;
        }
        return new RepoLock(repo, myKey, mine, refreshEvery);
    }

    private static Optional<LockInfo> read(Repository repo, String key) {
        try {
            return Optional.of(RepoJson.read(repo.store().read(key), LockInfo.class, repo.store().location() + "/" + key));
        } catch (NoSuchObjectException gone) {
            return Optional.empty();
        }
    }

    static boolean isStale(LockInfo o, Instant now) {
        return staleReason(o, now) != null;
    }

    private static String staleReason(LockInfo o, Instant now) {
        if (o.refreshedAt() == null || o.refreshedAt().plus(STALE_AFTER).isBefore(now)) {
            return "not refreshed for more than " + STALE_AFTER.toMinutes() + " minutes";
        }
        if (host().equals(o.host()) && ProcessHandle.of(o.pid()).map(p -> !p.isAlive()).orElse(true)) {
            return "its process is gone from this host";
        }
        return null;
    }

    /** Writes a fresh lock object, then deletes the previous one. A failure marks the lock lost. */
    synchronized void refresh() {
        if (released || lost) {
            return;
        }
        try {
            if (repo.store().stat(key).isEmpty()) {
                lost = true; // someone took it for stale and removed it
                repo.log().warn("the lock " + key + " at " + repo.store().location() + " was removed by another process");
                return;
            }
            LockInfo next = info.refreshed(Instant.now());
            String nextKey = repo.key(DIR + UUID.randomUUID() + ".json");
            repo.store().writeIfAbsent(nextKey, RepoJson.bytes(next));
            String old = key;
            key = nextKey;
            info = next;
            repo.store().delete(old);
        } catch (RuntimeException e) {
            repo.log().warn("cannot refresh the lock at " + repo.store().location() + ": " + e.getMessage());
        }
    }

    /** Refreshes now (tests; a writer about to do something long). */
    public void refreshNow() {
        refresh();
    }

    public boolean exclusive() {
        return info.exclusive();
    }

    /** The lock object's current key. */
    public String key() {
        return key;
    }

    /**
     * Whether our lock object is still there: checked before a head is written, so a writer whose
     * lock was taken for stale (it was suspended for half an hour) never completes a backup that
     * a prune running meanwhile has half collected.
     */
    public boolean stillHeld() {
        return !released && !lost && repo.store().stat(key).isPresent();
    }

    /** Fails unless this lock is exclusive and still held; {@code what} names the operation. */
    public void checkExclusive(String what) {
        if (!exclusive()) {
            throw new IllegalStateException(what + " needs the exclusive lock");
        }
        if (!stillHeld()) {
            throw new OwuiException("the lock on " + repo.where("") + " was lost (removed as stale by another process) before " + what,
                    "nothing of this run was made visible; run it again (what it stored is collected by the next prune)");
        }
    }

    /** Deletes the lock object. */
    public synchronized void release() {
        if (!released) {
            released = true;
            refresher.shutdownNow();
            repo.store().delete(key);
        }
    }

    @Override
    public void close() {
        release();
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown-host" : h;
        }
    }

    /** The locks at the repository now (for a listing or a message). */
    public static List<StoreStat> list(Repository repo) {
        return repo.store().listAll(repo.key(DIR));
    }
}
