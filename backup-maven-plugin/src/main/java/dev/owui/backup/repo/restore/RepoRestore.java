package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.WorkerPool;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.postgres.PgRestore;
import dev.owui.backup.postgres.PgTarget;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.pages.Run;
import dev.owui.backup.restore.PathPatterns;
import dev.owui.backup.restore.RestoreTree;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Restores one format 3 backup into an empty directory. Everything is written and checked in
 * {@code <dest>/.owui-restore-<time>} first (files against their size and SHA-256, databases
 * reassembled from their layers, checked against the capture's SHA-256 and with
 * {@code PRAGMA quick_check}); only when every entry is whole are the staged entries moved into
 * place, so a damaged backup leaves the destination as it was. The rules for restoring over an
 * instance's existing data directory (moving it aside, the running-instance check) stay with the
 * caller: this refuses a destination that is not empty.
 */
public final class RepoRestore {
    /**
     * @param backupId      the backup to restore, or null for the newest
     * @param dest          an empty (or absent) directory
     * @param keys          decryption keys (none: only unencrypted backups restore)
     * @param secretKeyFile where to write the instance's secret key when the backup holds one (null: not written)
     * @param paths         for a partial restore, paths or globs relative to the backup root as
     *                      {@code owui.paths} takes them (a folder selects what is below it); null or empty: everything
     * @param threads       files restored at once (below 1: {@link RepoBackupRunner#DEFAULT_THREADS}, as backups)
     * @param postgres      where a backup's PostgreSQL dumps go (a database, or files beside {@code dest}); null:
     *                      as files to {@code <dest>.postgres}. A partial restore ({@code paths}) leaves them out.
     */
    public record Options(String backupId, Path dest, DecryptionKeys keys, Path secretKeyFile, List<String> paths, int threads,
                          PgTarget postgres) {
        public Options {
            threads = threads < 1 ? RepoBackupRunner.DEFAULT_THREADS : threads;
        }

        public Options(String backupId, Path dest, DecryptionKeys keys, Path secretKeyFile, List<String> paths, int threads) {
            this(backupId, dest, keys, secretKeyFile, paths, threads, null);
        }

        public Options withPostgres(PgTarget target) {
            return new Options(backupId, dest, keys, secretKeyFile, paths, threads, target);
        }

        public Options(String backupId, Path dest, DecryptionKeys keys, Path secretKeyFile, List<String> paths) {
            this(backupId, dest, keys, secretKeyFile, paths, RepoBackupRunner.DEFAULT_THREADS);
        }

        public Options(String backupId, Path dest, DecryptionKeys keys, Path secretKeyFile) {
            this(backupId, dest, keys, secretKeyFile, null);
        }
    }

    /**
     * What was restored: regular files (databases included) and their bytes; the PostgreSQL
     * databases restored, and the folder the dumps were written to as files (or null).
     */
    public record Result(String backupId, long files, long bytes, long databases, Path secretKeyFile,
                         List<PgRestore.Result> postgres, Path postgresDumps) {
    }

    private final Repository repo;
    /** Where uploads kept in object storage go; null: files beside the data directory. */
    private dev.owui.backup.external.ExternalRestore.Destination objectStorage;

    public RepoRestore(Repository repo) {
        this.repo = repo;
    }

    /** Puts the backup's uploads from Open WebUI's object storage back into its bucket, or into a given folder. */
    public RepoRestore objectStorage(dev.owui.backup.external.ExternalRestore.Destination d) {
        this.objectStorage = d;
        return this;
    }

    /** The newest backup's id, or the given one (which must exist). */
    public static String select(Repository repo, String backupId) {
        List<String> ids = repo.backups().list();
        if (backupId == null || backupId.isBlank() || "latest".equals(backupId)) {
            if (ids.isEmpty()) {
                throw new OwuiException("the repository at " + repo.where("") + " holds no backup", "check the target and instance name");
            }
            return ids.get(ids.size() - 1);
        }
        if (!ids.contains(backupId)) {
            throw new OwuiException("no backup " + backupId + " at " + repo.where(""),
                    "pick one of: " + (ids.isEmpty() ? "(none)" : String.join(", ", ids.subList(Math.max(0, ids.size() - 10), ids.size()))));
        }
        return backupId;
    }

    public Result run(Options o) {
        DecryptionKeys keys = o.keys() == null ? DecryptionKeys.none() : o.keys();
        PathPatterns patterns = o.paths() == null || o.paths().isEmpty() ? null : new PathPatterns(o.paths());
        String id = select(repo, o.backupId());
        BackupHead head = repo.backups().head(id);
        Path dest = o.dest().toAbsolutePath().normalize();
        boolean created = !Files.exists(dest, LinkOption.NOFOLLOW_LINKS);
        if (!created) {
            if (!Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw new OwuiException(dest + " is not a directory", "restore into an empty directory");
            }
            try (Stream<Path> s = Files.list(dest)) {
                if (s.findAny().isPresent()) {
                    throw new OwuiException(dest + " is not empty", "restore into an empty (or new) directory; nothing was changed");
                }
            } catch (IOException e) {
                throw new OwuiException("cannot read " + dest + ": " + e.getMessage(), "check permissions", e);
            }
        }
        Path secretOut = o.secretKeyFile() == null ? null : o.secretKeyFile().toAbsolutePath().normalize();
        if (secretOut != null && Files.exists(secretOut, LinkOption.NOFOLLOW_LINKS)) {
            throw new OwuiException(secretOut + " already exists", "name a new file for the secret key, or move the old one away; nothing was changed");
        }
        // Before any work: where the PostgreSQL dumps go as files must be free.
        Path dumpsTo = patterns == null ? PgRestoreStep.filesFolder(head, o.postgres(), dest) : null;
        Path staging = dest.resolve(".owui-restore-" + BackupId.of(Instant.now()));
        Staged staged = new Staged();
        PgRestoreStep.Outcome pg;
        try {
            Files.createDirectories(dest);
            PrivateFiles.createDirectory(staging); // 0700 while the checked files gather there
            stage(head, keys, staged, staging, secretOut != null, patterns, o.threads());
            // Every file is whole: the databases now, before anything moves into dest,
            // and before the uploads go back into object storage (the step most likely to refuse goes first).
            pg = PgRestoreStep.finish(head, staging, o.postgres(), dumpsTo, repo);
            // A caller's own staging folder (.owui-restore-…) lies inside the data directory it fills: beside that directory.
            Path dataDir = dest.getFileName().toString().startsWith(".owui-restore-") ? dest.getParent() : dest;
            dev.owui.backup.external.ExternalRestore.place(staging.resolve(dev.owui.backup.external.ExternalObject.ROOT), staged.external,
                    objectStorage, dataDir, repo.log());
            for (Path p : children(staging)) {
                if (!p.getFileName().toString().equals(SECRET_NAME)) {
                    Files.move(p, dest.resolve(p.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            if (staged.secretKey != null) {
                Files.createDirectories(secretOut.getParent());
                Files.move(staged.secretKey, secretOut, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(staging);
        } catch (IOException e) {
            cleanUp(dest, staging, created);
            throw new OwuiException("cannot restore backup " + id + " into " + dest + ": " + e.getMessage(),
                    "check free space and permissions; nothing was left in " + dest, e);
        } catch (RuntimeException e) {
            cleanUp(dest, staging, created);
            throw e;
        }
        setDirectoryTimes(dest, staged.dirs);
        if (staged.secretKey == null && secretOut != null) {
            repo.log().warn("backup " + id + " holds no secret key; nothing was written to " + secretOut);
        }
        return new Result(id, staged.files.get(), staged.bytes.get(), staged.databases.get(), staged.secretKey == null ? null : secretOut,
                pg.restored(), pg.files());
    }

    private static final String SECRET_NAME = ".owui-secret-key";

    /** What the staging holds so far; the counters are shared by the workers. */
    private static final class Staged {
        final List<Entry> dirs = new ArrayList<>();
        final AtomicLong files = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong databases = new AtomicLong();
        volatile Path secretKey;
        final List<Entry> external = new ArrayList<>();
    }

    /**
     * Writes every chosen entry under {@code staging}. The entries stream in path order on this
     * thread, which makes folders and links at once (cheap, and a link must exist before a path
     * below it is refused); files go to {@code threads} workers, at most {@code threads × 4} of
     * them waiting, so memory stays bounded however many entries there are. Databases are
     * reassembled by a worker of their own that reads the entries for them from the start: they
     * sort late (webui.db after uploads/) and are the longest single jobs, so they run beside the
     * files rather than after them. The first failure stops the submitting; the pool is closed
     * (its tasks stopped and waited for) before the caller removes the staging folder.
     */
    private Staged stage(BackupHead head, DecryptionKeys keys, Staged s, Path staging, boolean wantSecret, PathPatterns patterns, int threads)
            throws IOException {
        // every folder made through the tree, so none is ever a link of the backup's (or below one)
        RestoreTree tree = new RestoreTree(staging, "backup " + head.backupId());
        RestoreTree dumps = new RestoreTree(staging, "backup " + head.backupId(), true);
        boolean[] matched = patterns == null ? null : new boolean[patterns.size()];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int window = threads * 4;
        Semaphore slots = new Semaphore(window);
        try (WorkerPool pool = new WorkerPool(threads)) {
            Future<?> databases = pool.submit(() -> {
                try {
                    stageDatabases(head, keys, s, staging, tree, patterns, failure);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            try (EntryIterator it = repo.backups().entries(head, keys)) {
                while (it.hasNext() && failure.get() == null) {
                    Entry e = it.next();
                    String what = "backup " + head.backupId() + ": " + e.path();
                    if (Entry.SECRET_KEY.equals(e.type())) {
                        if (wantSecret) {
                            s.secretKey = staging.resolve(SECRET_NAME);
                            writeFile(e, keys, s.secretKey, what);
                            Files.setPosixFilePermissions(s.secretKey, PosixFilePermissions.fromString("rw-------"));
                        }
                        continue;
                    }
                    if (Entry.PG_DUMP.equals(e.type())) {
                        if (patterns == null) { // a whole restore; the dumps are not data directory paths
                            Path p = dumps.parentsMade(staging.relativize(PgRestoreStep.stagedPath(staging, e.path())).toString());
                            acquire(slots);
                            pool.submit(() -> {
                                try {
                                    if (failure.get() == null) {
                                        writeFile(e, keys, p, what);
                                    }
                                } catch (Throwable t) {
                                    failure.compareAndSet(null, t);
                                } finally {
                                    slots.release();
                                }
                            });
                        }
                        continue;
                    }
                    if (patterns != null) {
                        int i = patterns.match(e.path());
                        if (i < 0) {
                            continue;
                        }
                        matched[i] = true;
                    }
                    // the tree refuses a place outside the staging folder, at a link or below one (it asks the disk)
                    Path p = Entry.DIR.equals(e.type()) ? tree.folder(e.path()) : tree.parentsMade(e.path());
                    switch (e.type()) {
                        case Entry.DIR -> {
                            s.dirs.add(e);
                        }
                        case Entry.FILE, Entry.EXTERNAL -> {
                            if (Entry.EXTERNAL.equals(e.type())) {
                                s.external.add(e); // staged and checked like a file; placed by ExternalRestore
                            }
                            acquire(slots);
                            pool.submit(() -> {
                                try {
                                    if (failure.get() == null) {
                                        s.bytes.addAndGet(writeFile(e, keys, p, what));
                                        s.files.incrementAndGet();
                                        setModeAndTime(p, e);
                                    }
                                } catch (Throwable t) {
                                    failure.compareAndSet(null, t);
                                } finally {
                                    slots.release();
                                }
                            });
                        }
                        case Entry.SQLITE -> {
                            // the databases' worker restores it; only its folder is made here (above), in order
                        }
                        case Entry.SYMLINK -> {
                            createLink(p, e, what);
                            if (e.mtime() != null) {
                                try {
                                    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                                            .setTimes(FileTime.from(e.mtime()), null, null);
                                } catch (IOException | UnsupportedOperationException ignored) {
                                    // a link's own time is cosmetic; not every system sets it
                                }
                            }
                        }
                        default -> throw new OwuiException(what + " has type '" + e.type() + "', which this tool does not know",
                                "restore with the owui backup version that wrote it (" + head.toolVersion() + ") or newer; nothing was changed");
                    }
                }
            }
            if (failure.get() == null) {
                acquire(slots, window); // every file written
                awaitQuietly(databases);
            }
        }
        rethrow(failure.get());
        if (patterns != null) {
            unmatched(head, keys, patterns, matched);
        }
        return s;
    }

    /**
     * The databases' worker: reads the entries from the start for the databases alone (a second
     * read of the small entry chunks) and reassembles and checks each in turn. It runs ahead of
     * the main pass, which may not have made a link on disk yet when a database below it comes
     * here: the links are tracked by their spelling, so such a database is refused, named, all the same.
     */
    private void stageDatabases(BackupHead head, DecryptionKeys keys, Staged s, Path staging, RestoreTree tree, PathPatterns patterns,
                                AtomicReference<Throwable> failure) throws IOException {
        Set<String> links = new HashSet<>();
        try (EntryIterator it = repo.backups().entries(head, keys)) {
            while (it.hasNext() && failure.get() == null) {
                Entry e = it.next();
                if (Entry.SYMLINK.equals(e.type())) {
                    links.add(e.path());
                }
                if (!Entry.SQLITE.equals(e.type()) || patterns != null && patterns.match(e.path()) < 0) {
                    continue;
                }
                String what = "backup " + head.backupId() + ": " + e.path();
                resolve(staging, e.path(), links);
                Path p = tree.parentsMade(e.path());
                reassemble(repo, e, keys, p, what);
                List<String> problems = SqliteCapture.quickCheck(p);
                if (!problems.isEmpty()) {
                    throw new OwuiException(what + " fails SQLite's quick_check after reassembly: " + String.join("; ", problems),
                            "run owui:verify with owui.readData=all to record the damage, and restore another backup");
                }
                s.bytes.addAndGet(Files.size(p));
                s.files.incrementAndGet();
                s.databases.incrementAndGet();
                setModeAndTime(p, e);
            }
        }
    }

    private static void acquire(Semaphore slots) {
        acquire(slots, 1);
    }

    private static void acquire(Semaphore slots, int n) {
        try {
            slots.acquire(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("restore interrupted", "nothing was restored");
        }
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (ExecutionException ignored) {
            // the task records its own failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("restore interrupted", "nothing was restored");
        }
    }

    /** A worker's failure, as the caller would have seen it had it written the entry itself. */
    private static void rethrow(Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(t);
    }

    /** Fails naming the patterns that selected nothing and the backup's paths nearest the first. */
    private void unmatched(BackupHead head, DecryptionKeys keys, PathPatterns patterns, boolean[] matched) {
        List<String> unmatched = new ArrayList<>();
        for (int i = 0; i < matched.length; i++) {
            if (!matched[i]) {
                unmatched.add(patterns.patterns().get(i));
            }
        }
        if (unmatched.isEmpty()) {
            return;
        }
        // only on failure: the paths are read again rather than held for every restore
        List<String> all = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(head, keys)) {
            it.forEachRemaining(e -> {
                if (!Entry.SECRET_KEY.equals(e.type())) {
                    all.add(e.path());
                }
            });
        }
        String first = unmatched.get(0);
        throw new OwuiException("owui.paths " + String.join(", ", unmatched) + (unmatched.size() == 1 ? " matches" : " match")
                + " nothing in backup " + head.backupId() + " (" + all.size() + " entries)",
                "nearest paths to " + first + ": " + String.join(", ", PathPatterns.nearest(first, all, 5))
                        + "; paths are relative to the backup root; * stays within a folder, ** crosses folders; nothing was written");
    }

    /**
     * Decodes an entry's object into {@code out}, checking size and SHA-256 of the content. The
     * object reader checks the stored bytes against the object's name as well.
     */
    private long writeFile(Entry e, DecryptionKeys keys, Path out, String what) throws IOException {
        checkStorage(e, keys, what);
        dev.owui.backup.store.BackupWriter.Stored s;
        try (InputStream in = dev.owui.backup.repo.chunks.ChunkedContent.open(repo, e, keys, what);
             OutputStream os = Files.newOutputStream(out, RestoreTree.NEW_FILE)) {
            s = Hashing.copy(in, os);
        } catch (OwuiException ex) {
            throw named(what, ex);
        }
        long n = s.size();
        String actual = s.sha256();
        if (e.size() != null && n != e.size() || !actual.equals(e.sha256())) {
            throw new OwuiException(what + " restores as " + n + " bytes with SHA-256 " + actual + ", the backup says " + e.size()
                    + " bytes with " + e.sha256(), "the backup is damaged: run owui:verify with owui.readData=all and restore another backup");
        }
        return n;
    }

    /** A link of the backup, where nothing is yet (a second entry at the same path is refused, not followed). */
    private static void createLink(Path p, Entry e, String what) throws IOException {
        if (e.linkTarget() == null) {
            throw new OwuiException(what + " is a symbolic link without a target", "the backup is damaged; restore another backup; nothing was restored");
        }
        try {
            Files.createSymbolicLink(p, Path.of(e.linkTarget()));
        } catch (java.nio.file.FileAlreadyExistsException twice) {
            throw new OwuiException(what + " is a symbolic link where the backup already restored another entry",
                    "the backup is damaged or not ours: do not restore it (run owui:verify, and restore another backup); nothing was restored");
        }
    }

    private static void checkStorage(Entry e, DecryptionKeys keys, String what) {
        if (!Storage.isKnown(e.storage())) {
            throw new OwuiException(what + " is stored as '" + e.storage() + "', which this tool does not know",
                    "restore with a newer owui backup version; nothing was changed");
        }
        if (Storage.isEncrypted(e.storage()) && keys.isEmpty()) {
            throw new OwuiException(what + " is encrypted and no passphrase or secret key was given",
                    "set owui.encryption.serverId or owui.passphraseEnv (and owui.secretKeyRing for a key pair); nothing was changed");
        }
    }

    /**
     * Rebuilds a database entry into {@code out} from its layers, each decoded from its object as
     * reassembly reaches it; fails (removing {@code out}) unless the result has the capture's SHA-256.
     * Public for the goals that read one database of a backup without restoring it (export-chats).
     *
     * @param what names the entry in errors, e.g. "backup &lt;id&gt;: webui.db"
     */
    public static void reassemble(Repository repo, Entry e, DecryptionKeys keys, Path out, String what) throws IOException {
        checkStorage(e, keys, what);
        try {
            PageSets.reassemble(layers(repo, e, keys, null, what), e.pageSize(), e.pageCount(), e.sha256(), out);
        } catch (OwuiException ex) {
            throw named(what, ex);
        } catch (IllegalArgumentException ex) {
            throw new OwuiException(what + " cannot be reassembled: " + ex.getMessage(), "the backup is damaged; restore another backup", ex);
        } catch (IOException ex) {
            throw new OwuiException(what + " cannot be reassembled: " + ex.getMessage(),
                    "the backup is damaged: run owui:verify with owui.readData=all and restore another backup", ex);
        }
    }

    /**
     * A database entry's layers, each opened through the object reader when reassembly reaches
     * it; {@code watch} (may be null) is told which object is opened, so a caller can name the
     * one that failed.
     */
    static List<PageSets.Layer> layers(Repository repo, Entry e, DecryptionKeys keys, LayerWatch watch, String what) {
        if (e.layers() == null || e.layers().isEmpty() || e.pageSize() == null || e.pageCount() == null || e.sha256() == null) {
            throw new OwuiException(what + " is a database without layers, page size or SHA-256", "the backup is damaged; restore another backup");
        }
        List<PageSets.Layer> layers = new ArrayList<>();
        for (Entry.Layer l : e.layers()) {
            List<Run> runs = null;
            if (Entry.Layer.PAGES.equals(l.kind())) {
                if (l.runs() == null) {
                    throw new OwuiException(what + " has a page set without runs (" + l.object() + ")", "the backup is damaged; restore another backup");
                }
                runs = new ArrayList<>();
                for (long[] r : l.runs()) {
                    if (r == null || r.length != 2) {
                        throw new OwuiException(what + " has a malformed page run in " + l.object(), "the backup is damaged; restore another backup");
                    }
                    runs.add(new Run(r[0], r[1]));
                }
            }
            List<Run> lr = runs == null ? null : List.copyOf(runs);
            layers.add(new PageSets.Layer() {
                @Override
                public List<Run> runs() {
                    return lr;
                }

                @Override
                public InputStream open() {
                    if (watch != null) {
                        watch.reading(l.object());
                    }
                    return repo.objectReader().open(l.object(), e.storage(), keys);
                }
            });
        }
        return layers;
    }

    /** The object reader's error (which names the object) with the entry it was read for. */
    private static OwuiException named(String what, OwuiException ex) {
        return new OwuiException("cannot restore " + what + ": " + ex.problem(), ex.remedy() + "; nothing was restored", ex);
    }

    /** Told which layer object a reassembly opens (verify names the damaged one). */
    interface LayerWatch {
        void reading(String object);
    }

    private static void setModeAndTime(Path p, Entry e) throws IOException {
        if (e.mode() != null) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(e.mode()));
        }
        if (e.mtime() != null) {
            Files.setLastModifiedTime(p, FileTime.from(e.mtime()));
        }
    }

    /**
     * The place of {@code rel} under {@code root}: never outside it, never the root itself, and
     * never below a symbolic link the backup made (a backup that is not ours could otherwise
     * write through a link to anywhere).
     */
    static Path resolve(Path root, String rel, Set<String> links) {
        Path p = root.resolve(rel).normalize();
        if (rel.isEmpty() || !p.startsWith(root) || p.equals(root)) {
            throw new OwuiException("the backup names a path outside the restore directory: " + rel, "the backup is damaged or not ours; do not restore it");
        }
        for (int i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) {
            if (links.contains(rel.substring(0, i))) {
                throw new OwuiException("the backup names " + rel + " below its symbolic link " + rel.substring(0, i),
                        "the backup is damaged or not ours; do not restore it");
            }
        }
        return p;
    }

    /**
     * Directory modes and times, once nothing more is written into them (a write changes a
     * folder's mtime), deepest first, so a parent's mode never stands in the way of a child's.
     */
    private void setDirectoryTimes(Path dest, List<Entry> dirs) {
        dirs.sort(Comparator.comparingLong((Entry d) -> d.path().chars().filter(c -> c == '/').count()).reversed()
                .thenComparing(Entry::path));
        List<String> failed = new ArrayList<>();
        for (Entry d : dirs) {
            try {
                setModeAndTime(dest.resolve(d.path()), d);
            } catch (IOException | RuntimeException e) {
                failed.add(d.path() + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            repo.log().warn("the files are restored, but the mode or time of " + failed.size() + " folder(s) could not be set: "
                    + String.join(", ", failed.subList(0, Math.min(5, failed.size()))));
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Removes the staging folder, and the destination when this restore made it. */
    private static void cleanUp(Path dest, Path staging, boolean created) {
        LocalCopies.deleteTree(staging);
        if (created) {
            try {
                Files.deleteIfExists(dest);
            } catch (IOException ignored) {
                // not empty: something else wrote there meanwhile; leave it
            }
        }
    }
}
