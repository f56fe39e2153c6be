package dev.owui.backup.repo.engine;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.ToolVersion;
import dev.owui.backup.capture.WorkerPool;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.BackupWriter;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.manifest.SortedMerge;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.objects.ObjectWriter;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Imports one format 1/2 backup (a tree with manifest.json, at any target, stored in any way)
 * into a format 3 repository: what owui:copy with owui.toFormat=3 does. Under the repository's
 * exclusive lock every file's content is read decoded from the source and checked against the
 * size and SHA-256 its manifest records while it is stored as an object (with the destination's
 * compression and encryption); databases are downloaded to a staging file and stored through the
 * very database step of {@link RepoBackupRunner} (page map, layer policy, image or page set), so
 * a day's import writes only the pages that changed. The head keeps the source backup's id,
 * times, host, mode and findings: the import is the same backup at another place. As with a
 * backup, the head is written last: a failure before leaves only unreferenced objects.
 */
public final class TreeImport {
    static final String COMMAND = "owui:copy";

    /**
     * @param codec        compression and encryption of the new objects (the destination's settings)
     * @param keys         opens encrypted source contents and manifests, and the destination's
     *                     encrypted entries of an earlier backup
     * @param staging      local folder for databases while they are stored
     * @param pageMapCache as {@link RepoBackupRunner.Options#pageMapCache()}, or null
     * @param threads      contents read and stored at once
     * @param full         store everything anew, as owui.full does for a backup: no content or
     *                     database page reused from earlier backups, objects replaced at their name
     */
    public record Options(CodecSettings codec, DecryptionKeys keys, Path staging, Path pageMapCache, int threads, boolean full) {
        public Options {
            codec = codec == null ? CodecSettings.plain() : codec;
            keys = keys == null ? DecryptionKeys.none() : keys;
            threads = threads < 1 ? RepoBackupRunner.DEFAULT_THREADS : threads;
        }

        public Options(CodecSettings codec, DecryptionKeys keys, Path staging, Path pageMapCache, int threads) {
            this(codec, keys, staging, pageMapCache, threads, false);
        }
    }

    /**
     * One imported backup.
     *
     * @param filesReused   files whose object an earlier backup of the repository already named (nothing read)
     * @param bytesRead     content bytes read from the source
     */
    public record Result(String backupId, BackupHead head, long files, long bytes, long filesReused, long bytesRead,
                         long objectsWritten, long bytesWritten, List<RepoBackupRunner.DatabaseDecision> databases) {
    }

    private final EngineLog log;
    private final RepoBackupRunner.Listener listener;

    public TreeImport(EngineLog log) {
        this(log, RepoBackupRunner.Listener.NONE);
    }

    /** @param listener told when every object is stored, before the head (tests fail an import there) */
    public TreeImport(EngineLog log, RepoBackupRunner.Listener listener) {
        this.log = log;
        this.listener = listener;
    }

    /** Imports backup {@code backupId} of {@code instance} at {@code from} into {@code repo}. */
    public Result run(Target from, String instance, String backupId, Repository repo, Options o) {
        Manifest source = Manifests.read(from, instance, backupId, o.keys());
        try (RepoLock lock = repo.lock(true, COMMAND)) {
            return new Job(from, instance, source, repo, lock, o).run();
        }
    }

    /**
     * Stores a capture just made and staged at {@code from} (owui:backup with format 3 and a
     * staging directory: cold, paused, or several targets) as a new backup of {@code repo}. Unlike
     * {@link #run}, the backup is a new one at this target, so it keeps the staged id only while
     * neither a head nor a format 1/2 tree at {@code trees} (the repository's target seen as
     * trees, or null) has it, and otherwise takes the next free one of that second, as a backup
     * does; while trees exist their {@code .lock} is held too (see {@link LegacyTrees}).
     */
    public Result runAsNewBackup(Target from, String instance, String backupId, Repository repo, Options o, Target trees) {
        Manifest source = Manifests.read(from, instance, backupId, o.keys());
        try (var treeLock = LegacyTrees.lockIfTrees(trees, instance, log); RepoLock lock = repo.lock(true, "owui:backup")) {
            Job job = new Job(from, instance, source, repo, lock, o);
            job.treeIds = LegacyTrees.ids(trees, instance);
            job.newBackup = true;
            return job.run();
        }
    }

    /** One file or directory of the source, by its entry path. */
    private record Item(String path, FileEntry file, DirectoryEntry dir) {
    }

    private final class Job {
        final Target from;
        final String instance;
        final Manifest source;
        final Repository repo;
        final RepoLock lock;
        final Options o;
        final Manifest.StorageSettings storage;
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong reused = new AtomicLong();
        final AtomicLong read = new AtomicLong();
        final AtomicLong filesReusedCount = new AtomicLong();
        final AtomicLong repairedObjects = new AtomicLong();
        final AtomicLong repairedBytes = new AtomicLong();
        /** Objects replaced at their name by this import: each once, however many files share it. */
        final Set<String> repaired = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Set<String> damaged;
        BackupHead previous;
        ObjectWriter objects;
        RepoBackupRunner.DatabaseStep databases;
        /** A new backup (not the same backup at another place): it gets the next free id when its own is taken. */
        boolean newBackup;
        List<String> treeIds = List.of();
        Path staging;

        Job(Target from, String instance, Manifest source, Repository repo, RepoLock lock, Options o) {
            this.from = from;
            this.instance = instance;
            this.source = source;
            this.repo = repo;
            this.lock = lock;
            this.o = o;
            this.storage = o.codec().recorded();
        }

        Result run() {
            String id = source.backupId();
            List<String> ids = repo.backups().list();
            if (newBackup && (ids.contains(id) || treeIds.contains(id))) {
                List<String> taken = new ArrayList<>(ids);
                taken.addAll(treeIds);
                taken.add(id);
                String free = dev.owui.backup.format.BackupId.unique(id.substring(0, 16), taken);
                log.info("backup id " + id + " is taken at " + repo.where("") + " (a backup started in the same second): stored as " + free);
                id = free;
            }
            if (ids.contains(id)) {
                throw new OwuiException("backup " + id + " is already in the format 3 repository at " + repo.where(""),
                        "nothing to import; choose another backup with -Dowui.backupId");
            }
            damaged = repo.damage().damagedNames();
            previous = previous(ids, id);
            log.info("importing " + id + " from " + from.location() + " into the format 3 repository at " + repo.where("")
                    + (o.full() ? " (owui.full: everything is stored anew)" : previous == null ? " (everything is stored)"
                    : " (content stored before is reused, databases against " + previous.backupId() + ")"));

            List<Item> items = new ArrayList<>();
            source.files().forEach(f -> items.add(new Item(f.path(), f, null)));
            source.directoriesOrEmpty().forEach(d -> items.add(new Item(d.path(), null, d)));
            items.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));

            staging = o.staging().resolve("owui-import-" + id);
            RepoBackupRunner.Options dbOptions = new RepoBackupRunner.Options(null, instance, null, null, o.codec(), o.keys(), o.full(),
                    o.staging(), o.pageMapCache(), o.threads());
            try {
                Files.createDirectories(staging);
                BackupWriter writer = repo.backups().writer(lock, o.codec(), storage, previous, damaged);
                objects = writer.objects();
                databases = RepoBackupRunner.databaseStep(log, repo, lock, dbOptions, previous, damaged, objects, staging);
                try (EntryIterator prevEntries = previous == null || o.full() ? null : repo.backups().entries(previous, o.keys());
                     WorkerPool pool = new WorkerPool(o.threads())) {
                    Iterator<Entry> before = prevEntries == null ? Collections.emptyIterator() : prevEntries;
                    SortedMerge<Item, Entry> merge = new SortedMerge<>(items.iterator(), Item::path, before, Entry::path, PathOrder.INSTANCE);
                    ArrayDeque<Future<Entry>> pending = new ArrayDeque<>();
                    int window = o.threads() * 8;
                    while (merge.hasNext()) {
                        SortedMerge.Pair<Item, Entry> p = merge.next();
                        if (p.left() == null) {
                            continue;
                        }
                        pending.add(pool.submit(() -> entryOf(p.left(), p.right())));
                        while (pending.size() > window) {
                            writer.add(WorkerPool.await(pending.poll()));
                        }
                    }
                    while (!pending.isEmpty()) {
                        writer.add(WorkerPool.await(pending.poll()));
                    }
                }
                listener.objectsStored();
                long files = source.files().size();
                long written = bytes.get() - reused.get();
                BackupHead head = writer.finish(BackupHead.of(ToolVersion.get(), source.instance(), id, source.host(), source.dataDir(),
                        source.mode(), source.startedAt(), source.finishedAt(), source.openWebUi(),
                        new Manifest.Totals(files, bytes.get(), written, reused.get()), storage));
                long objectsWritten = objects.uploaded() + databases.repairedObjects() + repairedObjects.get();
                long bytesWritten = objects.uploadedBytes() + databases.repairedBytes() + repairedBytes.get();
                log.info("imported " + id + ": " + files + " files and databases (" + Sizes.bytes(read.get()) + " read), "
                        + objectsWritten + " objects written (" + Sizes.bytes(bytesWritten) + ")");
                return new Result(id, head, files, bytes.get(), filesReusedCount.get(), read.get(), objectsWritten, bytesWritten,
                        databases.decisions());
            } catch (IOException e) {
                throw new OwuiException("cannot stage databases in " + staging + ": " + e.getMessage(),
                        "check the free space and permissions of the staging folder", e);
            } finally {
                LocalCopies.deleteTree(staging);
            }
        }

        /** The newest format 3 backup before {@code id} (else the oldest after it), whose objects and page maps the import reuses. */
        private BackupHead previous(List<String> ids, String id) {
            String chosen = null;
            for (String other : ids) {
                if (dev.owui.backup.format.BackupId.compare(other, id) < 0 || chosen == null) {
                    chosen = other;
                }
            }
            if (chosen == null) {
                return null;
            }
            BackupHead head = repo.backups().head(chosen);
            if (Storage.isEncrypted(head.chunkStorage()) && o.keys().isEmpty()) {
                log.warn("the entries of backup " + head.backupId() + " are encrypted and no key to read them was given: everything is stored anew");
                return null;
            }
            for (BackupHead.ChunkRef c : head.chunks()) {
                if (damaged.contains(c.object())) {
                    log.warn("an entry chunk of backup " + head.backupId() + " is recorded damaged: everything is stored anew");
                    return null;
                }
            }
            return head;
        }

        private Entry entryOf(Item item, Entry before) {
            if (item.dir() != null) {
                return Entry.dir(item.path(), item.dir().mtime(), item.dir().mode());
            }
            FileEntry f = item.file();
            try {
                return switch (f.type()) {
                    case FileEntry.SYMLINK -> Entry.symlink(f.path(), f.linkTarget(), f.mtime(), f.mode());
                    case FileEntry.SQLITE -> database(f, before);
                    default -> file(f, before);
                };
            } catch (IOException e) {
                throw new OwuiException("cannot import " + f.path() + " of backup " + source.backupId() + " from " + from.location() + ": "
                        + e.getMessage(), "check the source target (run owui:verify on it) and the free space of " + o.staging(), e);
            }
        }

        private Entry file(FileEntry f, Entry before) throws IOException {
            String storageNow = o.codec().storageFor(f.path());
            bytes.addAndGet(f.size());
            // The previous backup's object for the same content, stored alike: no read at all.
            if (before != null && Objects.equals(before.type(), f.type()) && Objects.equals(before.sha256(), f.sha256())
                    && before.size() != null && before.size() == f.size() && storedAlike(before, storageNow)
                    && !damaged.contains(before.object())) {
                return counted(f, before.object(), before.storage(), before.storedSize() == null ? f.size() : before.storedSize(), f.size());
            }
            // Plain and zstd objects are named by their stored bytes: one that is there already is not read again.
            String known = o.full() ? null : knownName(f, storageNow);
            if (known != null && !damaged.contains(known)) {
                var stat = repo.store().stat(repo.key(ObjectNames.relativeKey(known)));
                if (stat.isPresent()) {
                    return counted(f, known, storageNow, stat.get().size(), f.size());
                }
            }
            ObjectRef ref;
            try (InputStream in = StoredContent.open(from, instance, source.backupId(), f, o.keys())) {
                ref = objects.put(in, storageNow, o.codec(), f.path());
            }
            read.addAndGet(ref.size());
            check(f, ref.size(), ref.sha256());
            if (!ref.uploaded() && (o.full() || damaged.contains(ref.name())) && !Storage.isEncrypted(storageNow) && repaired.add(ref.name())) {
                repair(f, ref, storageNow);
            }
            String mode = f.isSecretKey() ? "rw-------" : f.mode();
            return f.isSecretKey()
                    ? Entry.secretKey(f.path(), ref.size(), ref.sha256(), f.mtime(), mode, ref.storage(), ref.name(), ref.storedSize())
                    : Entry.file(f.path(), ref.size(), ref.sha256(), f.mtime(), mode, ref.storage(), ref.name(), ref.storedSize());
        }

        /**
         * The object this content encodes to is there but recorded damaged: it is replaced at its
         * name (as a backup does), which mends every backup naming it. The content is read again
         * into a staging file, since the repair needs it whole before it deletes the bad object.
         */
        private void repair(FileEntry f, ObjectRef ref, String storageNow) throws IOException {
            Path content = Files.createTempFile(staging, "repair-", ".tmp");
            try {
                try (InputStream in = StoredContent.open(from, instance, source.backupId(), f, o.keys())) {
                    Files.copy(in, content, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                var got = dev.owui.backup.store.Hashing.sha256(content);
                check(f, got.size(), got.sha256());
                if (damaged.contains(ref.name())) {
                    log.info(f.path() + ": object " + ref.name() + " was recorded damaged; stored again under its name");
                }
                repo.damage().repairObject(lock, ref.name(), content, storageNow, o.codec());
                repairedObjects.incrementAndGet();
                repairedBytes.addAndGet(ref.storedSize());
            } finally {
                Files.deleteIfExists(content);
            }
        }

        private Entry counted(FileEntry f, String object, String storageOf, long storedSize, long size) {
            reused.addAndGet(size);
            filesReusedCount.incrementAndGet();
            return f.isSecretKey()
                    ? Entry.secretKey(f.path(), size, f.sha256(), f.mtime(), "rw-------", Storage.normalise(storageOf), object, storedSize)
                    : Entry.file(f.path(), size, f.sha256(), f.mtime(), f.mode(), Storage.normalise(storageOf), object, storedSize);
        }

        /** The object name this content gets without encoding it: its SHA-256 when plain; the source's stored SHA-256 when both are zstd alike. */
        private String knownName(FileEntry f, String storageNow) {
            if (Storage.isPlain(storageNow)) {
                return f.sha256();
            }
            if (Storage.ZSTD.equals(storageNow) && Storage.ZSTD.equals(Storage.normalise(f.storage())) && f.storedSha256() != null
                    && source.storage() != null && Objects.equals(source.storage().zstdLevel(), o.codec().zstdLevel())) {
                return f.storedSha256(); // the same bytes decode to f's content, whatever the name came from
            }
            return null;
        }

        private Entry database(FileEntry f, Entry before) throws IOException {
            Path image = staging.resolve(f.path().replace('/', '_'));
            dev.owui.backup.store.BackupWriter.Stored got;
            try (InputStream in = StoredContent.open(from, instance, source.backupId(), f, o.keys()); OutputStream out = Files.newOutputStream(image)) {
                got = Hashing.copy(in, out);
            }
            long n = got.size();
            read.addAndGet(n);
            try {
                check(f, n, got.sha256());
                bytes.addAndGet(n);
                return databases.store(f.path(), f.mtime(), f.mode(), image, before);
            } finally {
                Files.deleteIfExists(image);
            }
        }

        /** Fails the import (before its head) when the content read is not the one the source manifest names. */
        private void check(FileEntry f, long size, String sha256) {
            if (size != f.size() || !Objects.equals(sha256, f.sha256())) {
                throw new OwuiException("file " + f.path() + " of backup " + source.backupId() + " at " + from.location()
                        + " does not match its manifest (" + size + " bytes, SHA-256 " + sha256 + "; manifest " + f.size() + " bytes, "
                        + f.sha256() + "); nothing of " + source.backupId() + " was committed at " + repo.where(""),
                        "run owui:verify on the source; import another backup with -Dowui.backupId");
            }
        }

        /** Same storage and, if encrypted, the same keys as this import uses. */
        private boolean storedAlike(Entry before, String storageNow) {
            return Storage.normalise(before.storage()).equals(storageNow)
                    && (!Storage.isEncrypted(storageNow) || Manifest.StorageSettings.sameEncryption(previous.storage(), storage));
        }
    }
}
