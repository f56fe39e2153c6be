package dev.owui.backup.repo.engine;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.chunks.GearChunker;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.ToolVersion;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.capture.WorkerPool;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SortedWalk;
import dev.owui.backup.instance.SourceFile;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.BackupWriter;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.manifest.SortedMerge;
import dev.owui.backup.repo.store.StoreStat;
import dev.owui.backup.repo.backup.Backups;
import dev.owui.backup.repo.objects.ObjectCache;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.objects.ObjectWriter;
import dev.owui.backup.repo.pages.LayerPolicy;
import dev.owui.backup.repo.pages.PageMap;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.pages.Run;
import dev.owui.backup.repo.pages.Runs;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.store.LockInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One format 3 backup (FORMAT.md, "Format 3"): under the repository's exclusive lock, the data
 * directory's databases are captured first (SQLite's backup API into a local staging folder),
 * then the scan is merged with the newest backup's entries in path order. Unchanged files (the
 * rsync rule: size, mtime, mode, stored alike, not recorded damaged) keep their entry and object
 * without a request; other files are encoded into objects named by their stored hash (plain and
 * zstd contents stored before are not uploaded again). Databases are stored at page granularity:
 * the capture's page map is compared with the previous capture's, and {@link LayerPolicy} decides
 * between the same layers, one more page set, a compacted page set, or a new image. The entries go
 * through the repository's {@link BackupWriter} (chunks, then the head, after checking the lock):
 * until the head exists the backup does not, so a failure at any point leaves only unreferenced
 * objects for the next prune.
 *
 * <p>Files and databases are encoded and uploaded by {@link Options#threads()} threads; their
 * entries still reach the chunk writer in path order, through a bounded window of pending ones.
 * The data directory is walked lazily in path order ({@link SortedWalk}), so memory does not grow
 * with the number of files (only with the largest folder's names, while it is walked).
 */
public final class RepoBackupRunner {
    /** A file that changes while we read it is read again, this many times at most. */
    private static final int STABLE_COPY_ATTEMPTS = 3;
    static final String COMMAND = "owui:backup";

    /**
     * What to back up and how.
     *
     * @param dataDir        Open WebUI's data directory
     * @param instance       the instance's name (recorded in the head)
     * @param selector       which files to take
     * @param secretKeyFile  Open WebUI's .webui_secret_key outside the data directory, or null
     * @param codec          compression and encryption of the contents
     * @param keys           keys to read the previous backup's entries when the manifest is
     *                       encrypted (none: an encrypted previous backup is not reused)
     * @param full           owui.full: store everything anew, rewriting even existing objects
     * @param staging        local folder for the captures (emptied of this run's files at the end)
     * @param pageMapCache   local cache of page maps by object name ({@code ~/.cache/owui-backup/pagemaps}),
     *                       or null for none: a host that made the previous backup then never downloads its map
     * @param threads        files and databases encoded and uploaded at once (owui.threads)
     * @param postgres       the instance's databases in PostgreSQL (dumped into the backup; the data
     *                       directory then needs no webui.db), or null for an instance on SQLite
     */
    public record Options(Path dataDir, String instance, FileSelector selector, Path secretKeyFile, CodecSettings codec,
                          DecryptionKeys keys, boolean full, Path staging, Path pageMapCache, int threads, PgSource postgres) {
        public Options {
            selector = selector == null ? FileSelector.defaults() : selector;
            codec = codec == null ? CodecSettings.plain() : codec;
            keys = keys == null ? DecryptionKeys.none() : keys;
            threads = threads < 1 ? DEFAULT_THREADS : threads;
        }

        public Options(Path dataDir, String instance, FileSelector selector, Path secretKeyFile, CodecSettings codec,
                       DecryptionKeys keys, boolean full, Path staging, Path pageMapCache, int threads) {
            this(dataDir, instance, selector, secretKeyFile, codec, keys, full, staging, pageMapCache, threads, null);
        }

        /** The same backup of an instance whose databases are in PostgreSQL. */
        public Options withPostgres(PgSource source) {
            return new Options(dataDir, instance, selector, secretKeyFile, codec, keys, full, staging, pageMapCache, threads, source);
        }

        public Options(Path dataDir, String instance, CodecSettings codec, boolean full, Path staging) {
            this(dataDir, instance, null, null, codec, null, full, staging, null, DEFAULT_THREADS);
        }

        public Options withFull(boolean f) {
            return new Options(dataDir, instance, selector, secretKeyFile, codec, keys, f, staging, pageMapCache, threads, postgres);
        }

        public Options withPageMapCache(Path cache) {
            return new Options(dataDir, instance, selector, secretKeyFile, codec, keys, full, staging, cache, threads, postgres);
        }

        public Options withThreads(int n) {
            return new Options(dataDir, instance, selector, secretKeyFile, codec, keys, full, staging, pageMapCache, n, postgres);
        }
    }

    public static final int DEFAULT_THREADS = 4;

    /**
     * What happened to one database.
     *
     * @param kind         SAME, APPEND, COMPACT or IMAGE ({@link LayerPolicy.Kind})
     * @param changedPages pages that differ from the previous capture (all of them without one)
     * @param layers       layers of the new entry
     * @param storedBytes  bytes this backup uploaded for it (layer and page map objects)
     * @param why          for an image, why
     */
    public record DatabaseDecision(String path, String kind, long pageCount, long changedPages, int layers, long storedBytes, String why) {
    }

    /**
     * A finished backup.
     *
     * @param files          files, databases and the secret key in the backup
     * @param bytes          their content bytes
     * @param filesReused    files whose previous entry (and object) were reused without a request
     * @param bytesReused    their bytes
     * @param objectsWritten objects this backup sent to the store (contents, page sets, page maps, chunks)
     * @param bytesWritten   stored bytes of those
     * @param phases         nanoseconds per phase (scan, capture, store, commit)
     */
    public record Result(String backupId, String previousId, BackupHead head, long files, long bytes, long filesReused, long bytesReused,
                         long objectsWritten, long bytesWritten, long chunksWritten, long chunksReused, Map<String, Long> phases,
                         List<String> warnings, List<DatabaseDecision> databases) {
    }

    /** Test hook: called after every content object (and all but the last entry chunk) is stored, before the head. */
    public interface Listener {
        void objectsStored();

        Listener NONE = () -> { };
    }

    private final EngineLog log;
    private final Listener listener;
    /** Where Open WebUI keeps uploads with STORAGE_PROVIDER=s3, or null: such rows are then only listed. */
    private dev.owui.backup.external.StorageProvider objectStorage;

    public RepoBackupRunner(EngineLog log) {
        this(log, Listener.NONE);
    }

    public RepoBackupRunner(EngineLog log, Listener listener) {
        this.log = log;
        this.listener = listener;
    }

    public Result run(Repository repo, Options o) {
        return run(repo, o, null);
    }

    /**
     * Copies the uploads the file rows name in Open WebUI's object storage into the backup
     * ({@link dev.owui.backup.external.ExternalCapture}); null (the default) only lists those rows.
     */
    public RepoBackupRunner objectStorage(dev.owui.backup.external.StorageProvider provider) {
        this.objectStorage = provider;
        return this;
    }

    /**
     * A backup into {@code repo}, which lives at {@code trees}' target beside any format 1/2 trees
     * there (or null when the caller has no such view): the new id is one no tree there has
     * either, and while trees exist their {@code .lock} is held too (see {@link LegacyTrees}).
     */
    public Result run(Repository repo, Options o, dev.owui.backup.store.Target trees) {
        Instant startedAt = Instant.now();
        String instance = InstanceNames.check(o.instance());
        DataDirectory dataDir = DataDirectory.open(o.dataDir(), o.postgres() != null);
        if (o.secretKeyFile() != null && !Files.isReadable(o.secretKeyFile())) {
            throw new OwuiException("secret key file " + o.secretKeyFile() + " does not exist or is not readable",
                    "point owui.secretKeyFile at Open WebUI's .webui_secret_key (in the container: /app/backend/.webui_secret_key), or leave it unset");
        }
        try (var treeLock = LegacyTrees.lockIfTrees(trees, instance, log); RepoLock lock = repo.lock(true, COMMAND)) {
            Job job = new Job(repo, lock, o, dataDir, instance, startedAt);
            job.treeIds = LegacyTrees.ids(trees, instance);
            return job.run();
        }
    }

    /** A backup's capture folder in the staging folder: {@code owui-capture-<id>-<pid>}. */
    static final String CAPTURE_PREFIX = "owui-capture-";

    /**
     * Removes the capture folders a backup process killed before its clean-up left in
     * {@code staging} (copies of the databases: hundreds of MB each). Only those whose process is
     * gone: the staging folder is per user, and another instance's backup may be capturing into
     * it right now. A folder named without a pid (earlier versions) is left alone.
     */
    static void removeDeadCaptures(Path staging, EngineLog log) {
        List<Path> dead = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(staging)) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                int dash = name.lastIndexOf('-');
                if (name.startsWith(CAPTURE_PREFIX) && dash > CAPTURE_PREFIX.length() && name.substring(dash + 1).matches("[0-9]{1,19}")
                        && ProcessHandle.of(Long.parseLong(name.substring(dash + 1))).map(h -> !h.isAlive()).orElse(true)) {
                    dead.add(p);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return; // no staging folder yet, or unreadable: the capture below says so if it matters
        }
        for (Path p : dead) {
            log.info("removing " + p + ", the captures of a backup whose process is gone");
            LocalCopies.deleteTree(p);
        }
    }

    /**
     * The database step of a backup, for {@link TreeImport}: stores databases from local images
     * into {@code repo} (held under {@code lock}) exactly as a backup does, against the entries of
     * {@code previous}; what it decided is read back from the step (its warnings are logged as it goes).
     */
    static DatabaseStep databaseStep(EngineLog log, Repository repo, RepoLock lock, Options o, BackupHead previous, Set<String> damaged,
                                     ObjectWriter objects, Path staging) {
        Job job = new RepoBackupRunner(log).new Job(repo, lock, o, null, null, null);
        job.previous = previous;
        job.damaged = damaged;
        job.objects = objects;
        job.staging = staging;
        return new DatabaseStep(job);
    }

    /** See {@link #databaseStep}. */
    static final class DatabaseStep {
        private final Job job;

        private DatabaseStep(Job job) {
            this.job = job;
        }

        Entry store(String rel, Instant mtime, String mode, Path image, Entry before) throws IOException {
            return job.database(rel, mtime, mode, image, before);
        }

        List<DatabaseDecision> decisions() {
            List<DatabaseDecision> dbs = new ArrayList<>(job.decisions);
            dbs.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));
            return dbs;
        }

        List<String> warnings() {
            return List.copyOf(job.warnings);
        }

        long repairedObjects() {
            return job.repairedObjects.get();
        }

        long repairedBytes() {
            return job.repairedBytes.get();
        }
    }

    /**
     * One scanned item, by its entry path: a file/database/symlink, a directory, the secret key, a
     * PostgreSQL dump file, or an upload kept in object storage.
     */
    private record Item(String path, SourceFile file, DirectoryEntry dir, Path secretKey, Path pgDump,
                        dev.owui.backup.external.ExternalCapture.Item external) {
    }

    /** An entry of the previous backup, with its JSON line as stored. */
    private record Before(Entry entry, String json) {
        String path() {
            return entry.path();
        }
    }

    /** An entry on its way to the chunk writer, and the previous backup's entry at its path (or null). */
    private record Pending(Future<Entry> entry, Before before) {
    }

    /** A database captured into the staging folder. */
    private record Captured(SourceFile source, Path image) {
    }

    /** The state of one run. */
    private final class Job {
        final Repository repo;
        final RepoLock lock;
        final Options o;
        final CodecSettings codec;
        final DataDirectory dataDir;
        final String instance;
        final Instant startedAt;
        final Map<String, Long> phases = new LinkedHashMap<>();
        final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        final List<DatabaseDecision> decisions = Collections.synchronizedList(new ArrayList<>());
        /** Objects replaced at their name by this run: each once, however many files share it. */
        final Set<String> repaired = ConcurrentHashMap.newKeySet();
        final Manifest.StorageSettings storage;
        Set<String> damaged;
        BackupHead previous;
        ObjectWriter objects;
        /** Ids the format 1/2 trees at the same target hold: not to be taken by this backup. */
        List<String> treeIds = List.of();
        final AtomicLong files = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong filesReused = new AtomicLong();
        final AtomicLong bytesReused = new AtomicLong();
        final AtomicLong repairedObjects = new AtomicLong();
        final AtomicLong repairedBytes = new AtomicLong();
        Path staging;
        /** The PostgreSQL dumps of this run, or null for an instance on SQLite. */
        PgBackupStep pg;
        /** The uploads this run reads from Open WebUI's object storage (none without a provider). */
        dev.owui.backup.external.ExternalCapture external;

        Job(Repository repo, RepoLock lock, Options o, DataDirectory dataDir, String instance, Instant startedAt) {
            this.repo = repo;
            this.lock = lock;
            this.o = o;
            this.codec = o.codec();
            this.dataDir = dataDir;
            this.instance = instance;
            this.startedAt = startedAt;
            this.storage = codec.recorded();
        }

        Result run() {
            long t = System.nanoTime();
            // Read under the lock, so no backup made meanwhile reused a damaged object unseen.
            damaged = repo.damage().damagedNames();
            List<StoreStat> heads = repo.backups().heads();
            List<String> ids = heads.stream().map(repo.backups()::idOf).toList();
            previous = ids.isEmpty() ? null : usablePrevious(repo.backups().head(heads.get(heads.size() - 1), cachedHead()));
            List<String> taken = new ArrayList<>(ids);
            taken.addAll(treeIds);
            String id = BackupId.unique(BackupId.of(startedAt), taken);
            log.info("backup " + id + " of " + dataDir.root() + " to " + repo.where("")
                    + (o.full() ? " (owui.full: everything is stored anew)"
                    : previous != null ? " (unchanged content reused from " + previous.backupId() + ")" : " (no previous backup: everything is stored)"));

            // The databases are found now (a walk that skips uploads/); everything else is walked
            // lazily in path order while it is stored (SortedWalk): never the whole scan in memory.
            List<SourceFile> databases = SortedWalk.databases(dataDir, o.selector());
            phases.put("scan", System.nanoTime() - t);

            removeDeadCaptures(o.staging(), log);
            try {
                // A folder of this run's own (0700): two runs on one host (two instances, two targets) can
                // start in the same second and get the same id, and each removes its folder at the end. The
                // random part keeps them apart; the pid last lets a later run remove it if this one is killed.
                staging = Files.createDirectory(Files.createDirectories(o.staging()).resolve(CAPTURE_PREFIX + id + "-"
                                + Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE) + "-" + ProcessHandle.current().pid()),
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new OwuiException("cannot stage the captures in " + o.staging() + ": " + e.getMessage(),
                        "check the free space and permissions of the staging folder", e);
            }
            try {
                t = System.nanoTime();
                // Databases first (see DataDirectory.scan): a file added after the capture is a harmless orphan.
                Map<String, Captured> captured = new LinkedHashMap<>();
                InstanceInspector.DatabaseFacts dbFacts = null;
                // Side by side: each capture and its check is one thread's work (SQLite copies and
                // checks page by page), so webui.db and chroma.sqlite3 take as long as the larger.
                List<Future<Captured>> capturing = new ArrayList<>();
                try (WorkerPool capturePool = new WorkerPool(Math.max(1, Math.min(o.threads(), databases.size())))) {
                    for (SourceFile f : databases) {
                        Path image = staging.resolve(f.rel().replace('/', '_'));
                        capturing.add(capturePool.submit(() -> {
                            SqliteCapture.capture(f.abs(), image, f.rel());
                            SqliteCapture.check(image, f.abs(), f.rel());
                            return new Captured(f, image);
                        }));
                    }
                    for (Future<Captured> task : capturing) {
                        Captured c = WorkerPool.await(task);
                        captured.put(c.source().rel(), c);
                    }
                }
                if (o.postgres() != null) {
                    // The database is in PostgreSQL: dumped now, still before the other files are walked.
                    pg = PgBackupStep.capture(o.postgres(), staging, log);
                    dbFacts = pg.facts();
                }
                for (Captured c : captured.values()) {
                    if (pg == null && c.source().rel().equals(DataDirectory.MAIN_DB)) {
                        dbFacts = InstanceInspector.read(c.image());
                    }
                }
                if (dbFacts == null) {
                    throw new IllegalStateException("webui.db was not among the captured databases");
                }
                external = dev.owui.backup.external.ExternalCapture.plan(objectStorage, dbFacts.externalFiles(), log, this::warn);
                phases.put("capture", System.nanoTime() - t);

                t = System.nanoTime();
                ObjectCache chunkCache = chunkCache();
                BackupWriter writer = repo.backups().writer(lock, codec, storage, previous, damaged).cacheChunksIn(chunkCache);
                objects = writer.objects();
                InstanceInspector.UploadTally uploads = dbFacts.tally(); // the facts cross-check, one upload at a time
                try (EntryIterator prevEntries = previous == null || o.full() ? null : repo.backups().entries(previous, o.keys(), chunkCache);
                     WorkerPool pool = new WorkerPool(o.threads())) {
                    Iterator<Before> before = prevEntries == null ? Collections.emptyIterator() : new Tolerant(prevEntries);
                    Iterator<Item> items = dev.owui.backup.external.ExternalCapture.merge(items(captured.keySet()),
                            external.items().stream().map(x -> new Item(x.path(), null, null, null, null, x)).iterator(), Item::path);
                    SortedMerge<Item, Before> merge = new SortedMerge<>(items, Item::path, before, Before::path, PathOrder.INSTANCE);
                    // Pending entries in path order; a bounded window keeps memory bounded and the threads busy.
                    ArrayDeque<Pending> pending = new ArrayDeque<>();
                    int window = o.threads() * 8;
                    while (merge.hasNext()) {
                        SortedMerge.Pair<Item, Before> p = merge.next();
                        if (p.left() == null) {
                            continue; // gone since the previous backup
                        }
                        Entry prev = p.right() == null ? null : p.right().entry();
                        Entry ready = withoutIo(p.left(), prev);
                        // An unchanged file, a folder or a link needs no reading: handing it to a thread would cost more than it does.
                        pending.add(new Pending(ready != null ? CompletableFuture.completedFuture(ready)
                                : pool.submit(() -> entryFor(p.left(), prev, captured)), p.right()));
                        while (pending.size() > window) {
                            add(writer, pending.poll(), uploads);
                        }
                    }
                    while (!pending.isEmpty()) {
                        add(writer, pending.poll(), uploads);
                    }
                }
                phases.put("store", System.nanoTime() - t);
                listener.objectsStored();

                t = System.nanoTime();
                InstanceFacts facts = uploads.facts();
                reportFacts(facts);
                BackupHead head = writer.finish(BackupHead.of(ToolVersion.get(), instance, id, LockInfo.hostName(), dataDir.root().toString(),
                        BackupOptions.Mode.HOT.manifestName(), startedAt, Instant.now(), facts,
                        new Manifest.Totals(files.get(), bytes.get(), bytes.get() - bytesReused.get(), bytesReused.get()), storage)
                        .withPostgres(pg == null ? null : pg.recorded()));
                if (chunkCache != null) { // the cache holds the newest backup's head and chunks, nothing older
                    chunkCache.keepOnly(head.chunks().stream().map(BackupHead.ChunkRef::object).collect(Collectors.toSet()));
                    Backups.keep(head, cachedHead());
                }
                phases.put("commit", System.nanoTime() - t);
                long written = objects.uploaded() + repairedObjects.get();
                long writtenBytes = objects.uploadedBytes() + repairedBytes.get();
                log.info("backup " + id + ": " + files + " files and databases (" + filesReused + " unchanged, reused), "
                        + written + " objects written (" + Sizes.bytes(writtenBytes)
                        + "), " + writer.chunksWritten() + " of " + (writer.chunksWritten() + writer.chunksReused()) + " entry chunks new");
                List<DatabaseDecision> dbs = new ArrayList<>(decisions);
                dbs.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));
                return new Result(id, previous == null ? null : previous.backupId(), head, files.get(), bytes.get(), filesReused.get(),
                        bytesReused.get(), written, writtenBytes, writer.chunksWritten(), writer.chunksReused(), phases, List.copyOf(warnings),
                        List.copyOf(dbs));
            } catch (SQLException e) {
                throw new OwuiException("cannot read the captured webui.db: " + e.getMessage(),
                        "check the database with `sqlite3 webui.db 'PRAGMA integrity_check'`", e);
            } finally {
                if (external != null) {
                    external.close();
                }
                LocalCopies.deleteTree(staging);
            }
        }

        /** Its objects are stored: the entry may go into a chunk now (objects, chunks, head). */
        private void add(BackupWriter writer, Pending p, InstanceInspector.UploadTally uploads) {
            Entry e = WorkerPool.await(p.entry());
            if (e == null) {
                return; // vanished since the scan
            }
            // The previous entry itself (unchanged): its stored line is this backup's line, as it was read.
            writer.add(e, p.before() != null && p.before().entry() == e ? p.before().json() : null);
            if (Entry.FILE.equals(e.type()) && e.path().startsWith(DataDirectory.UPLOADS + "/")) {
                uploads.upload(e.path());
            } else if (Entry.EXTERNAL.equals(e.type())) {
                external.held(e.path());
            }
        }

        /**
         * The walk of the data directory in path order, with the secret key at its place. A
         * database that appeared after the capture is left for the next backup (it has no capture).
         */
        private Iterator<Item> items(Set<String> captured) {
            Iterator<SortedWalk.Found> walk = SortedWalk.of(dataDir, o.selector(), this::warn, captured);
            // What is not walked (the secret key, the PostgreSQL dumps) goes in at its place in path order.
            List<Item> outside = new ArrayList<>();
            if (o.secretKeyFile() != null) {
                outside.add(new Item(BackupOptions.SECRET_KEY_PATH, null, null, o.secretKeyFile(), null, null));
            }
            if (pg != null) {
                pg.files().forEach(d -> outside.add(new Item(d.path(), null, null, null, d.file(), null)));
            }
            outside.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));
            ArrayDeque<Item> extras = new ArrayDeque<>(outside);
            return new Iterator<>() {
                Item next; // the next walked item, not given yet

                @Override
                public boolean hasNext() {
                    while (next == null && walk.hasNext()) {
                        SortedWalk.Found f = walk.next();
                        if (f.file() != null && f.file().type().equals(FileEntry.SQLITE) && !captured.contains(f.path())) {
                            log.info(f.path() + " appeared after the databases were captured; it is in the next backup");
                            continue;
                        }
                        next = new Item(f.path(), f.file(), f.dir(), null, null, null);
                    }
                    return next != null || !extras.isEmpty();
                }

                @Override
                public Item next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    if (!extras.isEmpty() && (next == null || PathOrder.INSTANCE.compare(extras.peek().path(), next.path()) < 0)) {
                        return extras.poll();
                    }
                    Item i = next;
                    next = null;
                    return i;
                }
            };
        }

        /**
         * The local cache of entry chunks beside the page maps' ({@code ~/.cache/owui-backup/chunks/<repository id>/}),
         * or null without a page map cache: a host that made the previous backup reads its entries
         * without a request to the target.
         */
        private ObjectCache chunkCache() {
            Path dir = cacheDir();
            return dir == null ? null : new ObjectCache(dir);
        }

        /** The newest head this host wrote, beside its chunks ({@code chunks/<repository id>.head.json}); null without a cache. */
        private Path cachedHead() {
            Path dir = cacheDir();
            return dir == null ? null : dir.resolveSibling(dir.getFileName() + ".head.json");
        }

        private Path cacheDir() {
            String id = repo.info() == null ? null : repo.info().id();
            if (o.pageMapCache() == null || id == null || !id.matches("[A-Za-z0-9-]{1,64}")) {
                return null;
            }
            return o.pageMapCache().resolveSibling("chunks").resolve(id);
        }

        /** The newest backup if its entries can be reused by this run, else null (said why). */
        private BackupHead usablePrevious(BackupHead head) {
            if (o.full()) {
                return head; // its chunks may still be reused; none of its entries is read, no content reused
            }
            if (Storage.isEncrypted(head.chunkStorage()) && o.keys().isEmpty()) {
                warn("the entries of backup " + head.backupId() + " are encrypted and no key to read them was given: everything is stored anew");
                return null;
            }
            for (BackupHead.ChunkRef c : head.chunks()) {
                if (damaged.contains(c.object())) {
                    warn("an entry chunk of backup " + head.backupId() + " is recorded damaged: everything is stored anew");
                    return null;
                }
            }
            return head;
        }

        private Entry entryFor(Item item, Entry before, Map<String, Captured> captured) {
            try {
                return entryOf(item, before, captured);
            } catch (IOException e) {
                throw new OwuiException("cannot store " + item.path() + ": " + e.getMessage(),
                        "check the free space and permissions of " + o.staging() + " and the data directory", e);
            }
        }

        private Entry entryOf(Item item, Entry before, Map<String, Captured> captured) throws IOException {
            if (item.dir() != null) {
                return Entry.dir(item.path(), item.dir().mtime(), item.dir().mode());
            }
            if (item.external() != null) {
                return external(item.external(), before);
            }
            if (item.secretKey() != null) {
                DataDirectory.Stat s = DataDirectory.stat(item.secretKey());
                // A secret stays private in any restored tree whatever the source's mode.
                ObjectRef ref = put(item.secretKey(), codec.storageFor(item.path()), item.path());
                count(ref.size(), false);
                return Entry.secretKey(item.path(), ref.size(), ref.sha256(), s.mtime(), "rw-------", ref.storage(), ref.name(), ref.storedSize());
            }
            if (item.pgDump() != null) {
                return pgDump(item.path(), item.pgDump(), before);
            }
            SourceFile f = item.file();
            return switch (f.type()) {
                case FileEntry.SYMLINK -> Entry.symlink(f.rel(), f.linkTarget(), f.mtime(), f.mode());
                case FileEntry.SQLITE -> database(f.rel(), f.mtime(), f.mode(), captured.get(f.rel()).image(), before);
                default -> file(f, before);
            };
        }

        /** The entry of a folder, a symlink or an unchanged file (none reads a file), else null. */
        private Entry withoutIo(Item item, Entry before) {
            if (item.dir() != null) {
                return Entry.dir(item.path(), item.dir().mtime(), item.dir().mode());
            }
            if (item.external() != null) {
                return unchangedExternal(item.external(), before);
            }
            SourceFile f = item.file();
            if (f == null) {
                return null;
            }
            return switch (f.type()) {
                case FileEntry.SYMLINK -> Entry.symlink(f.rel(), f.linkTarget(), f.mtime(), f.mode());
                case FileEntry.FILE -> unchanged(f, before);
                default -> null;
            };
        }

        /** {@code before} when {@code f} is unchanged (the rsync rule), counted as reused; else null. */
        private Entry unchanged(SourceFile f, Entry before) {
            if (!o.full() && before != null && Entry.FILE.equals(before.type()) && storedAlike(before, codec.storageFor(f.rel()))
                    && before.size() != null && before.size() == f.size() && Objects.equals(before.mtime(), f.mtime())
                    && Objects.equals(before.mode(), f.mode()) && !damaged.contains(before.object())) {
                count(f.size(), true);
                return before; // unchanged: its object is reused without a request
            }
            return null;
        }

        private Entry file(SourceFile f, Entry before) {
            String storageNow = codec.storageFor(f.rel());
            Entry same = unchanged(f, before);
            if (same != null) {
                return same;
            }
            for (int attempt = 1; ; attempt++) {
                DataDirectory.Stat was = DataDirectory.stat(f.abs());
                if (was == null) {
                    log.info(f.rel() + " disappeared since the scan; not in this backup");
                    return null;
                }
                InputStream in;
                try {
                    in = Files.newInputStream(f.abs());
                } catch (NoSuchFileException gone) {
                    log.info(f.rel() + " disappeared since the scan; not in this backup");
                    return null;
                } catch (IOException e) {
                    throw new OwuiException("cannot read " + f.abs() + ": " + e.getMessage(),
                            "run the backup as a user that can read the data directory", e);
                }
                ObjectRef ref;
                try (in) {
                    ref = put(in, f.abs(), storageNow, f.rel());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                DataDirectory.Stat after = DataDirectory.stat(f.abs());
                boolean stable = was.equals(after) && ref.size() == was.size();
                if (stable || attempt == STABLE_COPY_ATTEMPTS) {
                    if (!stable) {
                        warn(f.rel() + " kept changing while it was read; stored as last read (a cold backup avoids this)");
                    }
                    count(ref.size(), false);
                    return Entry.file(f.rel(), ref.size(), ref.sha256(), was.mtime(), f.mode(), storageNow, ref.name(), ref.storedSize());
                }
            }
        }

        /**
         * A PostgreSQL dump file: the previous backup's entry (and objects, encrypted ones too) when
         * the dump is byte-identical to the one it names, which is what an unchanged database gives;
         * else cut into content-defined pieces ({@link GearChunker}), each stored as an object, so a
         * changed database stores the pieces around its changes and reuses the others (a piece with
         * the plain SHA-256 of one of the previous dump's, stored alike and not recorded damaged,
         * takes that piece's object without a request: how encrypted pieces are reused). No mtime:
         * a dump is new each run, and its time would make every entry chunk new.
         */
        private Entry pgDump(String rel, Path file, Entry before) throws IOException {
            String storageNow = codec.storageFor(rel);
            boolean usable = !o.full() && before != null && Entry.PG_DUMP.equals(before.type()) && before.chunks() != null
                    && storedAlike(before, storageNow);
            if (usable && before.objects().stream().noneMatch(damaged::contains) && before.size() != null && before.size() == Files.size(file)
                    && before.sha256().equals(dev.owui.backup.store.Hashing.sha256(file).sha256())) {
                count(before.size(), true);
                return before;
            }
            Map<String, Entry.Chunk> previous = new HashMap<>();
            if (usable) {
                for (Entry.Chunk c : before.chunks()) {
                    if (c.sha256() != null && !damaged.contains(c.object())) { // a damaged piece is stored anew, the others reused
                        previous.putIfAbsent(c.sha256(), c);
                    }
                }
            }
            List<Entry.Chunk> pieces = new ArrayList<>();
            MessageDigest whole = dev.owui.backup.store.Hashing.newSha256();
            long size = 0;
            long reusedBytes = 0;
            // New pieces are stored by threads of their own (a piece is a request: one after another,
            // a first backup of a large dump on S3 would wait on each), at most a window of them
            // pending, so memory stays at a few MB; the entry lists them in the dump's order.
            ArrayDeque<Future<Entry.Chunk>> pending = new ArrayDeque<>();
            int window = o.threads() * 4;
            try (InputStream in = Files.newInputStream(file); WorkerPool piecePool = new WorkerPool(o.threads())) {
                GearChunker chunker = new GearChunker(in);
                int n = 0;
                for (byte[] b; (b = chunker.next()) != null; ) {
                    n++;
                    whole.update(b);
                    size += b.length;
                    String sha = dev.owui.backup.store.Hashing.sha256Hex(b);
                    Entry.Chunk old = previous.get(sha);
                    if (old != null && old.size() == b.length) {
                        pending.add(CompletableFuture.completedFuture(old));
                        reusedBytes += b.length;
                    } else {
                        byte[] piece = b;
                        String what = rel + " (piece " + n + ")";
                        pending.add(piecePool.submit(() -> {
                            ObjectRef ref = putPiece(piece, storageNow, what);
                            return new Entry.Chunk(ref.name(), ref.size(), ref.sha256(), ref.storedSize());
                        }));
                    }
                    while (pending.size() > window) {
                        pieces.add(WorkerPool.await(pending.poll()));
                    }
                }
                while (!pending.isEmpty()) {
                    pieces.add(WorkerPool.await(pending.poll()));
                }
            }
            count(size, false);
            log.info(rel + ": " + pieces.size() + " pieces, " + Sizes.bytes(size - reusedBytes) + " of " + Sizes.bytes(size)
                    + " not in the previous dump");
            return Entry.pgDump(rel, size, HexFormat.of().formatHex(whole.digest()), storageNow, pieces);
        }

        /**
         * One piece of a dump, as {@link #put(InputStream, Path, String, String)} stores a file: a
         * piece there already but recorded damaged (or everything anew with owui.full) is replaced
         * at its name, from a temp copy of the piece.
         */
        private ObjectRef putPiece(byte[] piece, String storageNow, String what) {
            ObjectRef ref = objects.put(piece, storageNow, codec, what);
            if (!ref.uploaded() && (o.full() || damaged.contains(ref.name())) && !Storage.isEncrypted(storageNow) && repaired.add(ref.name())) {
                if (damaged.contains(ref.name())) {
                    log.info(what + ": object " + ref.name() + " was recorded damaged; stored again under its name");
                }
                try {
                    Files.createDirectories(repo.scratch());
                    Path temp = Files.createTempFile(repo.scratch(), "owui-piece-", ".tmp");
                    try {
                        Files.write(temp, piece);
                        repo.damage().repairObject(lock, ref.name(), temp, storageNow, codec);
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                } catch (IOException e) {
                    throw new OwuiException("cannot store " + what + " again: " + e.getMessage(),
                            "check the free space and permissions of " + repo.scratch(), e);
                }
                repairedObjects.incrementAndGet();
                repairedBytes.addAndGet(ref.storedSize());
                return new ObjectRef(ref.name(), ref.storedSize(), ref.sha256(), ref.size(), ref.storage(), true);
            }
            return ref;
        }

        /** Same storage and, if encrypted, the same keys as this run would use. */
        private boolean storedAlike(Entry before, String storageNow) {
            return Storage.normalise(before.storage()).equals(storageNow)
                    && (!Storage.isEncrypted(storageNow) || Manifest.StorageSettings.sameEncryption(previous.storage(), storage));
        }

        /**
         * Stores one database from a local image at page granularity (also {@link TreeImport}'s
         * step for a format 1/2 backup's database, so both paths decide layers alike).
         */
        Entry database(String rel, Instant mtime, String mode, Path image, Entry before) throws IOException {
            String storageNow = codec.storageFor(rel);
            PageMap map = PageMap.of(image);
            long[] stored = new long[1];

            PageMap prevMap = null;
            List<List<Run>> prevSets = new ArrayList<>();
            String noPrevious = null;
            if (o.full()) {
                noPrevious = "owui.full";
            } else if (before == null || !Entry.SQLITE.equals(before.type())) {
                noPrevious = "no previous capture";
            } else if (!storedAlike(before, storageNow)) {
                noPrevious = "stored differently before (" + before.storage() + ", now " + storageNow + ")";
            } else if (before.objects().stream().anyMatch(damaged::contains)) {
                noPrevious = "a layer or the page map of the previous capture is recorded damaged";
            } else {
                try {
                    prevMap = readPageMap(before);
                    for (Entry.Layer l : before.layers().subList(1, before.layers().size())) {
                        prevSets.add(l.runs().stream().map(r -> new Run(r[0], r[1])).toList());
                    }
                } catch (OwuiException | IOException e) {
                    warn(rel + ": the page map of its previous capture cannot be read (" + e.getMessage() + "); a new image is stored");
                    prevMap = null;
                }
            }
            LayerPolicy.Decision d = LayerPolicy.decide(prevMap, prevSets, map, o.full());
            long changed = prevMap == null || prevMap.pageSize() != map.pageSize() ? map.pageCount()
                    : Runs.pages(Runs.ofAscending(prevMap.changedIn(map)));
            List<Entry.Layer> layers = new ArrayList<>();
            switch (d.kind()) {
                case SAME -> layers.addAll(before.layers());
                case APPEND -> {
                    layers.addAll(before.layers());
                    layers.add(pageSet(image, map.pageSize(), d.runs(), storageNow, rel, stored));
                }
                case COMPACT -> {
                    layers.add(before.layers().get(0));
                    layers.add(pageSet(image, map.pageSize(), d.runs(), storageNow, rel, stored));
                }
                default -> layers.add(new Entry.Layer(Entry.Layer.IMAGE, written(put(image, storageNow, rel), stored).name(), null));
            }
            String pageMapObject;
            if (d.kind() == LayerPolicy.Kind.SAME && prevMap.pageCount() == map.pageCount() && prevMap.sha256().equals(map.sha256())) {
                pageMapObject = before.pageMap(); // the very same capture: its map is the previous one (an encrypted one too)
            } else {
                pageMapObject = written(writePageMap(map, storageNow, rel), stored).name();
            }
            String why = noPrevious != null ? noPrevious : d.why();
            if (d.kind() == LayerPolicy.Kind.IMAGE) {
                log.info(rel + ": new image (" + why + ")");
            }
            decisions.add(new DatabaseDecision(rel, d.kind().name(), map.pageCount(), changed, layers.size(),
                    stored[0], d.kind() == LayerPolicy.Kind.IMAGE ? why : null));
            long size = map.pageCount() * map.pageSize();
            count(size, false);
            return Entry.sqlite(rel, size, map.sha256(), mtime, mode, storageNow, map.pageSize(), map.pageCount(),
                    pageMapObject, layers);
        }

        /** Adds what {@code ref} cost (nothing when it was there already) to {@code stored[0]}. */
        private ObjectRef written(ObjectRef ref, long[] stored) {
            if (ref.uploaded()) {
                stored[0] += ref.storedSize();
            }
            return ref;
        }

        private Entry.Layer pageSet(Path image, int pageSize, List<Run> runs, String storageNow, String rel, long[] stored) throws IOException {
            Path set = image.resolveSibling(image.getFileName() + ".pages");
            try (var out = Files.newOutputStream(set)) {
                PageSets.write(image, pageSize, runs, out);
            }
            try {
                String name = written(put(set, storageNow, rel + " (page set)"), stored).name();
                return new Entry.Layer(Entry.Layer.PAGES, name, runs.stream().map(Run::toPair).toList());
            } finally {
                Files.deleteIfExists(set);
            }
        }

        private PageMap readPageMap(Entry before) throws IOException {
            Path cached = o.pageMapCache() == null ? null : o.pageMapCache().resolve(before.pageMap());
            if (cached != null && Files.isRegularFile(cached)) {
                try (InputStream in = Files.newInputStream(cached)) {
                    PageMap m = PageMap.read(in);
                    if (m.pageCount() == before.pageCount() && m.sha256().equals(before.sha256())) {
                        return m;
                    }
                } catch (IOException damagedCache) {
                    // read it from the target instead
                }
            }
            try (InputStream in = repo.objectReader().open(before.pageMap(), before.storage(), o.keys())) {
                PageMap m = PageMap.read(in);
                in.transferTo(java.io.OutputStream.nullOutputStream()); // to the end: the object's hash is checked there
                if (m.pageCount() != before.pageCount() || !m.sha256().equals(before.sha256())) {
                    throw new IOException("page map " + before.pageMap() + " describes another capture than its entry");
                }
                cache(before.pageMap(), m);
                return m;
            }
        }

        private ObjectRef writePageMap(PageMap map, String storageNow, String rel) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, map.pageCount() * 16 + 64));
            map.write(bytes);
            Path file = staging.resolve(rel.replace('/', '_') + ".pagemap");
            Files.write(file, bytes.toByteArray());
            try {
                ObjectRef ref = put(file, storageNow, rel + " (page map)");
                cache(ref.name(), map);
                return ref;
            } finally {
                Files.deleteIfExists(file);
            }
        }

        private void cache(String name, PageMap map) {
            if (o.pageMapCache() == null) {
                return;
            }
            try {
                Files.createDirectories(o.pageMapCache());
                Path tmp = Files.createTempFile(o.pageMapCache(), name, ".tmp");
                try (var out = Files.newOutputStream(tmp)) {
                    map.write(out);
                }
                Files.move(tmp, o.pageMapCache().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                log.info("cannot cache a page map in " + o.pageMapCache() + " (" + e.getMessage() + "); the next backup reads it from the target");
            }
        }

        /** Stores a local file (a capture, a page set, a page map, the secret key). */
        private ObjectRef put(Path file, String storageNow, String what) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return put(in, file, storageNow, what);
            }
        }

        /**
         * Stores {@code in} (the content of {@code source}) as an object. When the object was there
         * already but is recorded damaged, or owui.full asks for everything anew, it is replaced at
         * its name from {@code source} (delete, then write, under the lock): that repairs every
         * older backup naming it too. Encrypted objects get a fresh name each time, never an old one.
         */
        private ObjectRef put(InputStream in, Path source, String storageNow, String what) throws IOException {
            ObjectRef ref = objects.put(in, storageNow, codec, what);
            if (!ref.uploaded() && (o.full() || damaged.contains(ref.name())) && !Storage.isEncrypted(storageNow) && repaired.add(ref.name())) {
                if (damaged.contains(ref.name())) {
                    log.info(what + ": object " + ref.name() + " was recorded damaged; stored again under its name");
                }
                repo.damage().repairObject(lock, ref.name(), source, storageNow, codec);
                repairedObjects.incrementAndGet();
                repairedBytes.addAndGet(ref.storedSize());
                return new ObjectRef(ref.name(), ref.storedSize(), ref.sha256(), ref.size(), ref.storage(), true);
            }
            return ref;
        }

        private void count(long size, boolean reused) {
            files.incrementAndGet();
            bytes.addAndGet(size);
            if (reused) {
                filesReused.incrementAndGet();
                bytesReused.addAndGet(size);
            }
        }

        private void reportFacts(InstanceFacts f) {
            if (!f.rowsWithoutFile().isEmpty()) {
                warn(f.rowsWithoutFile().size() + " file row(s) name an upload that is not in uploads/ (e.g. "
                        + f.rowsWithoutFile().get(0) + "); listed in the backup's head");
            }
            if (!f.filesWithoutRow().isEmpty()) {
                log.info(f.filesWithoutRow().size() + " upload(s) have no file row (left after deletions); kept in the backup");
            }
            external.report(f.externalFiles());
        }

        /** The previous entry of an upload in object storage whose listing shows it unchanged (no GET), counted as reused; else null. */
        private Entry unchangedExternal(dev.owui.backup.external.ExternalCapture.Item x, Entry before) {
            if (!o.full() && external.unchanged(x, before) && storedAlike(before, codec.storageFor(x.path())) && !damaged.contains(before.object())) {
                count(before.size(), true);
                return before;
            }
            return null;
        }

        /** An upload in object storage, read into the staging folder and stored like a file; null when it is gone. */
        private Entry external(dev.owui.backup.external.ExternalCapture.Item x, Entry before) throws IOException {
            Entry same = unchangedExternal(x, before);
            if (same != null) {
                return same;
            }
            dev.owui.backup.external.ExternalCapture.Fetched got = external.fetch(x, staging);
            if (got == null) {
                return null;
            }
            try {
                String storageNow = codec.storageFor(x.path());
                ObjectRef ref = put(got.file(), storageNow, x.object().row());
                count(ref.size(), false);
                return Entry.external(x.path(), ref.size(), ref.sha256(), got.lastModified(), storageNow, ref.name(), ref.storedSize(), got.etag());
            } finally {
                Files.deleteIfExists(got.file());
            }
        }

        private void warn(String w) {
            warnings.add(w);
            log.warn(w);
        }

        /**
         * The previous backup's entries; a chunk that cannot be read ends them with a warning
         * (what follows is then stored anew) rather than failing every backup after a damage.
         */
        private final class Tolerant implements Iterator<Before> {
            private final EntryIterator it;
            private boolean failed;

            Tolerant(EntryIterator it) {
                this.it = it;
            }

            @Override
            public boolean hasNext() {
                if (failed) {
                    return false;
                }
                try {
                    return it.hasNext();
                } catch (OwuiException e) {
                    failed = true;
                    warn(e.getMessage() + "; the entries after it are stored anew");
                    return false;
                }
            }

            @Override
            public Before next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Entry e = it.next();
                return new Before(e, it.lastLine());
            }
        }
    }
}
