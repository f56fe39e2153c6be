package dev.owui.backup.repo;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.backup.Backups;
import dev.owui.backup.repo.damage.DamageRecords;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectReader;
import dev.owui.backup.repo.objects.ObjectWriter;
import dev.owui.backup.repo.prune.Pruner;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One instance's format 3 repository at a store (FORMAT.md, "Format 3"): {@code repository.json},
 * {@code objects/}, {@code backups/}, {@code locks/}, {@code damage/} under one prefix of the
 * store. This class only knows where things are and hands out the parts that do the work.
 */
public final class Repository {
    public static final String INFO = "repository.json";

    private final ObjectStore store;
    private final String prefix;
    private final RepositoryInfo info;
    private final Path scratch;
    private final EngineLog log;

    private Repository(ObjectStore store, String prefix, RepositoryInfo info, Path scratch, EngineLog log) {
        this.store = store;
        this.prefix = prefix;
        this.info = info;
        this.scratch = scratch;
        this.log = log;
    }

    /** {@link #open(ObjectStore, String, Path, EngineLog)} with temp files in the system's temp folder. */
    public static Repository open(ObjectStore store, String prefix) {
        return open(store, prefix, Path.of(System.getProperty("java.io.tmpdir")), EngineLog.SILENT);
    }

    /**
     * Opens the repository under {@code prefix} ("" for the store's root, else the instance's
     * folder such as "open-webui"), creating {@code repository.json} if there is none. Two
     * processes creating it at once both end up with the one that won the write-if-absent.
     * {@code scratch} holds the temp files objects are encoded into before they are uploaded.
     */
    public static Repository open(ObjectStore store, String prefix, Path scratch, EngineLog log) {
        String p = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
        String key = p + INFO;
        Optional<RepositoryInfo> found = readInfo(store, key);
        if (found.isEmpty()) {
            RepositoryInfo fresh = new RepositoryInfo(RepositoryInfo.FORMAT, RepositoryInfo.FORMAT_VERSION,
                    UUID.randomUUID().toString(), Instant.now());
            store.writeIfAbsent(key, RepoJson.bytes(fresh));
            found = readInfo(store, key);
        }
        RepositoryInfo info = found.orElseThrow(() -> new OwuiException("cannot create " + key + " at " + store.location(),
                "check that the target is writable"));
        String where = store.location() + "/" + key;
        if (!RepositoryInfo.FORMAT.equals(info.format())) {
            throw new OwuiException(where + " is not an owui repository (format " + info.format() + ")",
                    "point the target at the instance's own folder, or move that file away if it is not ours");
        }
        if (info.formatVersion() > RepositoryInfo.FORMAT_VERSION) {
            throw new OwuiException("the repository at " + where + " has format version " + info.formatVersion()
                    + ", newer than this tool reads (" + RepositoryInfo.FORMAT_VERSION + ")",
                    "use a newer version of the owui backup plugin for this target");
        }
        return new Repository(store, p, info, scratch, log);
    }

    private static Optional<RepositoryInfo> readInfo(ObjectStore store, String key) {
        if (store.stat(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RepoJson.read(store.read(key), RepositoryInfo.class, store.location() + "/" + key));
    }

    public RepositoryInfo info() {
        return info;
    }

    public ObjectStore store() {
        return store;
    }

    /** The store key of {@code relative} (e.g. "objects/ab/ab12…"): the repository's prefix before it. */
    public String key(String relative) {
        return prefix + relative;
    }

    /** {@code key} without the repository's prefix. */
    public String relative(String key) {
        return key.substring(prefix.length());
    }

    /** For messages: where {@code relative} is. */
    public String where(String relative) {
        return store.location() + "/" + key(relative);
    }

    public Path scratch() {
        return scratch;
    }

    public EngineLog log() {
        return log;
    }

    /** Takes a lock (exclusive for backup, copy-into and prune); fails naming the holder when another conflicts. */
    public RepoLock lock(boolean exclusive, String command) {
        return RepoLock.acquire(this, exclusive, command);
    }

    public ObjectWriter objectWriter() {
        return new ObjectWriter(this);
    }

    public ObjectReader objectReader() {
        return new ObjectReader(this);
    }

    public Backups backups() {
        return new Backups(this);
    }

    public Pruner pruner() {
        return new Pruner(this);
    }

    public DamageRecords damage() {
        return new DamageRecords(this);
    }
}
