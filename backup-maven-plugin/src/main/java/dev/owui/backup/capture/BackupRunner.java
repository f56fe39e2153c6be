package dev.owui.backup.capture;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ToolVersion;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.Encoded;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.DamageRecord;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SourceFile;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.instance.StoppedSqliteCapture;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.CountingInputStream;
import dev.owui.backup.report.Progress;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.BackupWriter.Stored;
import dev.owui.backup.store.Cleanup;
import dev.owui.backup.store.DamageRecords;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.SourceVanishedException;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One backup: capture → store → manifest. Databases go through SQLite's backup API (hot) or are
 * copied as files (cold, paused: the caller stopped or froze the instance), every other file is
 * copied while hashed, or shared with the previous backup when its size, mtime and permissions are
 * unchanged (the rsync rule) and it was stored the same way (compression, encryption). With
 * compression or encryption on, each file is encoded on its own into a staging file and handed to
 * the target under its suffixed name. The manifest is written last.
 */
public final class BackupRunner {
    /** A file that changes while we copy it is copied again, this many times at most. */
    private static final int STABLE_COPY_ATTEMPTS = 3;

    private final EngineLog log;
    private final CaptureEvents listener;
    private Duration progressInterval = Progress.DEFAULT_INTERVAL;

    public BackupRunner(EngineLog log) {
        this(log, CaptureEvents.NONE);
    }

    /** A runner that tells {@code listener} of each database capture begun and each file stored. */
    public BackupRunner(EngineLog log, CaptureEvents listener) {
        this.log = log;
        this.listener = listener;
    }

    /** How often a progress line is logged at most (tests use a short interval to see lines in a short run). */
    public BackupRunner progressEvery(Duration interval) {
        this.progressInterval = interval;
        return this;
    }

    public BackupResult run(BackupOptions o) {
        Instant startedAt = Instant.now();
        Map<String, Long> phases = new LinkedHashMap<>();
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        String instance = InstanceNames.check(o.instance());
        DataDirectory dataDir = DataDirectory.open(o.dataDir());
        checkSecretKey(o.secretKeyFile());
        Target target = o.target();
        if (target.localRoot().filter(dataDir::contains).isPresent()) {
            throw new OwuiException("target " + target.location() + " is inside the data directory " + dataDir.root()
                    + ": every backup would contain the ones before it", "choose a target outside the data directory");
        }

        // The previous manifest (parsing ~11k entries takes a cold JVM ~0.3 s) is read while the
        // data directory is scanned; under the lock it is only used if it is still the newest.
        CompletableFuture<Previous> prefetched = CompletableFuture.supplyAsync(
                () -> Previous.newest(target, instance, target.backups(instance), warnings, log, o.codec()));
        long t = System.nanoTime();
        List<SourceFile> files = dataDir.scan(o.selector(), w -> warn(warnings, w));
        List<DirectoryEntry> directories = dataDir.directories(o.selector());
        phases.put("scan", System.nanoTime() - t);

        try (TargetLock lock = target.lock(instance)) {
            if (lock.clearedStale() != null) {
                warn(warnings, lock.clearedStale());
            }
            Cleanup cleanup = target.removeIncomplete(instance);
            for (String gone : cleanup.removed()) {
                log.info("removed " + gone + ", left by an interrupted run (it never counted as a backup)");
            }
            cleanup.left().forEach(w -> warn(warnings, w));
            t = System.nanoTime();
            List<String> existing = target.backups(instance);
            Previous previous = prefetched.exceptionally(e -> null).join();
            if (previous == null ? !existing.isEmpty() : !previous.id.equals(existing.get(existing.size() - 1))) {
                previous = Previous.newest(target, instance, existing, warnings, log, o.codec()); // another run committed meanwhile
            }
            previous = Previous.forCodec(previous, target, instance, o.codec(), log);
            // What verify found damaged here: read under the lock, so no backup made meanwhile shared it unseen.
            DamageRecords.Known damage = DamageRecords.read(target, instance);
            if (!damage.unreadable().isEmpty() && previous != null) {
                warn(warnings, damage.unreadable().get(0) + ": what it names is unknown, so every file is stored anew this time");
            }
            boolean shareNothing = o.full() || !damage.unreadable().isEmpty();
            String sharedWith = previous == null ? null : previous.id;
            previous = shareNothing ? null : previous;
            phases.put("previous", System.nanoTime() - t);
            // Format 3 backups at the same target count too: one id names one backup there, whatever its format.
            List<String> taken = new ArrayList<>(existing);
            taken.addAll(target.format3Ids(instance));
            String id = BackupId.unique(BackupId.of(startedAt), taken);
            log.info((o.mode() == BackupOptions.Mode.HOT ? "backup " : o.mode().manifestName() + " backup ") + id + " of " + dataDir.root()
                    + " to " + target.location() + "/" + instance
                    + (previous != null ? " (unchanged files shared with " + previous.id + ")"
                            : sharedWith != null && o.full() ? " (owui.full: every file is stored anew)"
                            : sharedWith != null ? " (every file is stored anew)" : " (first backup: every file is stored)")
                    + (o.codec().isPlain() ? "" : "; files stored with " + o.codec()));

            try (BackupWriter writer = target.begin(instance, id); WorkerPool pool = new WorkerPool(o.threads())) {
                Run run = new Run(writer, previous, damage, warnings, new Progress(log, "backup", files.stream().mapToLong(SourceFile::size).sum(), progressInterval), pool, o);
                t = System.nanoTime();
                directories.forEach(d -> writer.directory(d.path())); // empty folders too: the tree is browsable as the data directory
                List<Captured> databases = run.captureDatabases(files);
                phases.put("databases", System.nanoTime() - t);

                t = System.nanoTime();
                List<Future<InstanceInspector.DatabaseFacts>> checks = run.checkAndStoreDatabases(databases);
                run.storeFiles(files);
                if (o.secretKeyFile() != null) {
                    run.storeSecretKey(o.secretKeyFile());
                }
                InstanceInspector.DatabaseFacts dbFacts = null;
                for (Future<InstanceInspector.DatabaseFacts> c : checks) {
                    InstanceInspector.DatabaseFacts r = WorkerPool.await(c);
                    dbFacts = r != null ? r : dbFacts;
                }
                if (dbFacts == null) {
                    throw new IllegalStateException("webui.db was not among the captured databases");
                }
                phases.put("files", System.nanoTime() - t);

                t = System.nanoTime();
                List<FileEntry> entries = new ArrayList<>(run.entries);
                entries.sort(Comparator.comparing(FileEntry::path));
                InstanceFacts facts = dbFacts.crossCheck(entries.stream().map(FileEntry::path)
                        .filter(p -> p.startsWith(DataDirectory.UPLOADS + "/")).toList());
                reportFacts(facts, warnings);
                boolean allPlain = entries.stream().allMatch(FileEntry::isStoredPlain);
                Manifest manifest = new Manifest(Manifest.FORMAT, allPlain ? Manifest.FORMAT_VERSION_PLAIN : Manifest.FORMAT_VERSION,
                        ToolVersion.get(), instance, id, LockInfo.hostName(), dataDir.root().toString(), o.mode().manifestName(),
                        startedAt, Instant.now(), facts,
                        new Manifest.Totals(entries.size(), run.bytesTotal.get(), run.bytesWritten.get(), run.bytesReused.get()),
                        o.codec().recorded(), entries, directories);
                writer.commit(o.codec().encryptManifest() ? encryptManifest(writer, manifest, o.codec()) : manifest);
                phases.put("commit", System.nanoTime() - t);
                if (!damage.isEmpty() && (existing.isEmpty() || BackupId.compare(id, existing.get(existing.size() - 1)) > 0)) {
                    // This backup honoured every record and is the newest, the one later runs share from.
                    String failed = damage.consume(target, instance);
                    if (failed != null) {
                        warn(warnings, failed);
                    }
                }
                return new BackupResult(manifest, phases, run.linkFallbacks.get(), List.copyOf(warnings));
            }
        }
    }

    /** Stores the full manifest encrypted and returns the header to commit as manifest.json (see {@link Manifests}). */
    private static Manifest encryptManifest(BackupWriter writer, Manifest full, CodecSettings codec) {
        Path staged = writer.stagingFile(Manifests.ENCRYPTED_NAME);
        try {
            Encoded e = Codec.encode(new java.io.ByteArrayInputStream(dev.owui.backup.format.ManifestCodec.write(full)), staged,
                    Storage.PGP, codec, Manifest.FILE_NAME);
            writer.putStaged(Manifests.ENCRYPTED_NAME, staged, full.finishedAt(), "rw-------");
            return Manifests.header(full, e);
        } catch (IOException ex) {
            throw new OwuiException("cannot write the encrypted manifest to " + staged + ": " + ex.getMessage(),
                    "check free space where the backup is written", ex);
        }
    }

    /** A database copied with the backup API into its staging file, not yet checked. */
    private record Captured(SourceFile source, Path staged) {
    }

    private void checkSecretKey(Path key) {
        if (key != null && !Files.isReadable(key)) {
            throw new OwuiException("secret key file " + key + " does not exist or is not readable",
                    "point owui.secretKeyFile at Open WebUI's .webui_secret_key (in the container: /app/backend/.webui_secret_key), or leave it unset");
        }
    }

    private void reportFacts(InstanceFacts f, List<String> warnings) {
        if (!f.rowsWithoutFile().isEmpty()) {
            warn(warnings, f.rowsWithoutFile().size() + " file row(s) name an upload that is not in uploads/ (e.g. "
                    + f.rowsWithoutFile().get(0) + "); listed in the manifest");
        }
        if (!f.filesWithoutRow().isEmpty()) {
            log.info(f.filesWithoutRow().size() + " upload(s) have no file row (left after deletions); kept in the backup, listed in the manifest");
        }
        if (!f.externalFiles().isEmpty()) {
            warn(warnings, f.externalFiles().size() + " file row(s) point at external storage (" + f.externalFiles().get(0)
                    + "…); those files are not in this backup");
        }
    }

    private void warn(List<String> warnings, String w) {
        warnings.add(w);
        log.warn(w);
    }

    /** The newest complete backup, whose unchanged files this one shares. */
    private record Previous(String id, Map<String, FileEntry> byPath, Manifest.StorageSettings storage) {
        Previous(String id, Manifest manifest) {
            this(id, index(manifest), manifest.storage());
        }

        private static Map<String, FileEntry> index(Manifest m) {
            Map<String, FileEntry> map = new java.util.HashMap<>();
            m.files().forEach(e -> map.put(e.path(), e));
            return map;
        }

        FileEntry entry(String path) {
            return byPath.get(path);
        }

        static Previous newest(Target target, String instance, List<String> ids, List<String> warnings, EngineLog log, CodecSettings codec) {
            for (int i = ids.size() - 1; i >= 0; i--) {
                try {
                    Manifest m = target.manifest(instance, ids.get(i));
                    if (Manifests.isEncrypted(m)) {
                        // Its file list opens only with the passphrase; with public keys alone nothing can be shared.
                        if (!codec.encrypts() || !codec.encryption().hasPassphrase()) {
                            log.info("the manifest of " + ids.get(i) + " is encrypted and this run has no passphrase to read it: every file is stored anew");
                            return null;
                        }
                        m = Manifests.full(m, target, instance, codec.encryption().passphraseForReading());
                    }
                    return new Previous(ids.get(i), m);
                } catch (OwuiException e) {
                    String w = "ignoring backup " + ids.get(i) + " as a base for sharing files: " + e.getMessage();
                    warnings.add(w);
                    log.warn(w);
                }
            }
            return null;
        }

        /**
         * The manifest records recipients' fingerprints but never the passphrase, so whether the
         * previous backup's files open with this run's passphrase is found out by opening one of
         * them (its OpenPGP header: a few bytes). When they don't, nothing encrypted is shared.
         */
        static Previous forCodec(Previous p, Target target, String instance, CodecSettings codec, EngineLog log) {
            if (p == null || !codec.encrypts() || !codec.encryption().hasPassphrase() || p.storage == null
                    || !Boolean.TRUE.equals(p.storage.passphrase())) {
                return p;
            }
            FileEntry probe = p.byPath.values().stream().filter(e -> Storage.isEncrypted(e.storage()))
                    .min(Comparator.comparingLong(e -> e.storedSize() == null ? Long.MAX_VALUE : e.storedSize())).orElse(null);
            if (probe == null) {
                return p;
            }
            try (java.io.InputStream in = dev.owui.backup.codec.StoredContent.open(target, instance, p.id, probe,
                    codec.encryption().passphraseForReading())) {
                in.read();
                return p;
            } catch (OwuiException | IOException e) {
                log.info("the files of " + p.id + " do not open with this run's passphrase: every encrypted file is stored anew");
                return new Previous(p.id, p.byPath, null);
            }
        }

        FileEntry sameFile(SourceFile f, CodecSettings codec) {
            FileEntry e = byPath.get(f.rel());
            boolean same = e != null && FileEntry.FILE.equals(e.type()) && storedAlike(e, codec)
                    && e.size() == f.size() && e.mtime().equals(f.mtime()) && java.util.Objects.equals(e.mode(), f.mode())
                    && e.sha256() != null;
            return same ? e : null;
        }

        /**
         * True when the earlier entry was stored as this run would store it: the same storage and,
         * if encrypted, to the same passphrase/recipients, so every file of a backup opens with the
         * same keys. (A changed zstd level alone does not matter: decoding does not depend on it.)
         */
        boolean storedAlike(FileEntry e, CodecSettings codec) {
            String now = codec.storageFor(e.path());
            if (!Storage.normalise(e.storage()).equals(now)) {
                return false;
            }
            return !Storage.isEncrypted(now) || Manifest.StorageSettings.sameEncryption(storage, codec.recorded());
        }
    }

    /** The state of one run, shared by the worker threads. */
    private final class Run {
        final BackupWriter writer;
        final Previous previous;
        final List<String> warnings;
        final Progress progress;
        final WorkerPool pool;
        final DamageRecords.Known damage;
        final List<FileEntry> entries = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong bytesTotal = new AtomicLong();
        final AtomicLong bytesWritten = new AtomicLong();
        final AtomicLong bytesReused = new AtomicLong();
        final AtomicLong linkFallbacks = new AtomicLong();

        final BackupOptions options;
        final CodecSettings codec;

        Run(BackupWriter writer, Previous previous, DamageRecords.Known damage, List<String> warnings, Progress progress, WorkerPool pool,
            BackupOptions options) {
            this.options = options;
            this.damage = damage;
            this.codec = options.codec();
            this.writer = writer;
            this.previous = previous;
            this.warnings = warnings;
            this.progress = progress;
            this.pool = pool;
        }

        /**
         * Copies every database with the backup API, all at once, and returns when all are
         * copied: the other files are taken only after the databases (see DataDirectory.scan).
         */
        List<Captured> captureDatabases(List<SourceFile> files) {
            List<Future<Captured>> futures = new ArrayList<>();
            for (SourceFile f : files) {
                if (f.type().equals(FileEntry.SQLITE)) {
                    futures.add(pool.submit(() -> {
                        Path staged = writer.stagingFile(f.rel());
                        // One call copies the whole database and reports nothing meanwhile: the phase says it still runs.
                        try (Progress.Phase p = progress.phase("capturing " + f.rel() + " (" + Sizes.bytes(f.size()) + ")")) {
                            listener.capturing(f.rel());
                            if (options.mode().copiesDatabaseFiles()) {
                                StoppedSqliteCapture.capture(f.abs(), staged, f.rel());
                            } else {
                                SqliteCapture.capture(f.abs(), staged, f.rel());
                            }
                        }
                        return new Captured(f, staged);
                    }));
                }
            }
            List<Captured> out = new ArrayList<>();
            for (Future<Captured> fu : futures) {
                out.add(WorkerPool.await(fu));
            }
            return out;
        }

        /**
         * Checks each captured database (quick_check), reads what webui.db says about the
         * instance, and stores the copies (shared with the previous backup when identical). Runs
         * on the pool beside the file copies; webui.db's future yields its facts, the others null.
         */
        List<Future<InstanceInspector.DatabaseFacts>> checkAndStoreDatabases(List<Captured> databases) {
            List<Future<InstanceInspector.DatabaseFacts>> checks = new ArrayList<>();
            for (Captured c : databases) {
                checks.add(pool.submit(() -> checkAndStore(c)));
            }
            return checks;
        }

        private InstanceInspector.DatabaseFacts checkAndStore(Captured c) {
            SourceFile f = c.source();
            Path staged = c.staged();
            SqliteCapture.check(staged, f.abs(), f.rel());
            InstanceInspector.DatabaseFacts facts = null;
            if (f.rel().equals(DataDirectory.MAIN_DB)) {
                try {
                    facts = InstanceInspector.read(staged);
                } catch (SQLException e) {
                    throw new OwuiException("cannot read the captured webui.db: " + e.getMessage(),
                            "check the database with `sqlite3 webui.db 'PRAGMA integrity_check'`", e);
                }
            }
            Progress.Meter meter = progress.file(f.size());
            Stored s;
            try {
                s = hash(staged);
            } catch (IOException e) {
                throw new OwuiException("cannot read back the captured " + f.rel() + ": " + e.getMessage(), null, e);
            }
            FileEntry before = previous == null ? null : previous.entry(f.rel());
            if (before != null && before.isSqlite() && s.sha256().equals(before.sha256()) && previous.storedAlike(before, codec)
                    && notRecordedDamaged(before) && storedCopyIntact(before) && share(before, false)) {
                delete(staged); // identical to the previous backup's copy, which is now shared instead
                add(new FileEntry(f.rel(), FileEntry.SQLITE, s.size(), s.sha256(), f.mtime(), f.mode(), before.storage(), previous.id, null,
                        before.storedSize(), before.storedSha256()), false, meter);
                return facts;
            }
            String storage = codec.storageFor(f.rel());
            if (Storage.isPlain(storage)) {
                writer.putStaged(f.rel(), staged, f.mtime(), f.mode(), meter.whole());
                add(new FileEntry(f.rel(), FileEntry.SQLITE, s.size(), s.sha256(), f.mtime(), f.mode(), FileEntry.STORED_PLAIN, null, null), true, meter);
                return facts;
            }
            String storedPath = Storage.storedPath(f.rel(), storage);
            Path encoded = writer.stagingFile(storedPath);
            Encoded e;
            long encodeShare = encodeShare(s.size());
            try (java.io.InputStream in = CountingInputStream.of(Files.newInputStream(staged), meter.part(s.size(), encodeShare))) {
                e = Codec.encode(in, encoded, storage, codec, staged.getFileName().toString());
            } catch (IOException ex) {
                delete(encoded);
                throw new OwuiException("cannot encode the captured " + f.rel() + " into " + encoded + ": " + ex.getMessage(),
                        "check the free space where the backup is staged", ex);
            }
            delete(staged);
            writer.putStaged(storedPath, encoded, f.mtime(), f.mode(), meter.part(e.storedSize(), s.size() - encodeShare));
            add(entry(f.rel(), FileEntry.SQLITE, e, f.mtime(), f.mode()), true, meter);
            return facts;
        }

        void storeFiles(List<SourceFile> files) {
            List<Future<?>> futures = new ArrayList<>();
            for (SourceFile f : files) {
                if (!f.type().equals(FileEntry.SQLITE)) {
                    futures.add(pool.submit(() -> storeFile(f)));
                }
            }
            for (Future<?> fu : futures) {
                WorkerPool.await(fu);
            }
        }

        private void storeFile(SourceFile f) {
            Progress.Meter meter = progress.file(f.size());
            if (f.type().equals(FileEntry.SYMLINK)) {
                writer.symlink(f.rel(), f.linkTarget());
                add(new FileEntry(f.rel(), FileEntry.SYMLINK, 0, null, f.mtime(), f.mode(), FileEntry.STORED_PLAIN, null, f.linkTarget()), false, meter);
                return;
            }
            FileEntry same = previous == null ? null : previous.sameFile(f, codec);
            if (same != null && notRecordedDamaged(same) && share(same, true)) {
                add(same.reused(previous.id), false, meter);
                return;
            }
            try {
                copyStable(f, meter);
            } catch (SourceVanishedException gone) {
                meter.finish(0); // out of the total too
                log.info(gone.getMessage() + "; not in this backup");
            }
        }

        /** False (and says so) when verify recorded the previous backup's copy of this entry damaged. */
        private boolean notRecordedDamaged(FileEntry before) {
            DamageRecord.Damaged d = damage.find(before);
            if (d == null) {
                return true;
            }
            log.info(before.path() + ": stored anew: verify found the stored copy in " + d.backupId() + " damaged");
            return false;
        }

        /**
         * On a local target, whether the previous backup's stored copy of a database still has the
         * content its manifest records: an unchanged database is shared only after this check, as
         * the capture matched the manifest's hash, not the stored bytes. Reading the copy once more
         * is cheap beside the capture, which read the whole database. Elsewhere re-reading would
         * cost a download per run; there verify's damage records stand for it.
         */
        private boolean storedCopyIntact(FileEntry before) {
            if (options.target().localRoot().isEmpty()) {
                return true;
            }
            String expected = before.isStoredPlain() ? before.sha256() : before.storedSha256();
            try {
                Path stored = options.target().localFile(options.instance(), previous.id, before.storedPath());
                if (expected == null || hash(stored).sha256().equals(expected)) {
                    return true;
                }
            } catch (java.nio.file.NoSuchFileException missing) {
                return true; // share() says it is missing
            } catch (IOException e) {
                warn(warnings, before.path() + ": stored anew: its stored copy in " + previous.id + " cannot be read (" + e.getMessage()
                        + "); run owui:verify on " + previous.id);
                return false;
            }
            warn(warnings, before.path() + ": stored anew: its stored copy in " + previous.id + " differs from the SHA-256 its manifest records"
                    + " (damaged); run owui:verify on " + previous.id);
            return false;
        }

        /**
         * Shares the previous backup's stored copy; false when the file must be stored anew (said
         * why). {@code countRefused}: a refused link is counted as a "link refused" copy (files;
         * a database is captured anyway, so its refused link costs nothing extra).
         */
        private boolean share(FileEntry before, boolean countRefused) {
            long storedSize = before.isStoredPlain() ? before.size() : before.storedSize() == null ? -1 : before.storedSize();
            BackupWriter.Reuse r = writer.reuse(before.storedPath(), previous.id, storedSize);
            if (r.damaged()) {
                warn(warnings, r.describe(before.storedPath(), previous.id, options.target().location()));
            } else if (r == BackupWriter.Reuse.REFUSED && countRefused) {
                linkFallbacks.incrementAndGet();
            }
            return r.shared();
        }

        /** Copies a live file, again if it changed while we read it, so what we store is one version of it. */
        /**
         * Copies a live file, again if it changed while we read it, so what we store is one version
         * of it. Its bytes count as they are read; a second reading takes the first one's count back.
         */
        private void copyStable(SourceFile f, Progress.Meter meter) {
            String storage = codec.storageFor(f.rel());
            for (int attempt = 1; ; attempt++) {
                meter.restart();
                DataDirectory.Stat before = DataDirectory.stat(f.abs());
                if (before == null) {
                    throw new SourceVanishedException(f.rel());
                }
                if (!Storage.isPlain(storage)) {
                    Path staged = writer.stagingFile(Storage.storedPath(f.rel(), storage));
                    long encodeShare = encodeShare(before.size());
                    Encoded e = encode(f.rel(), f.abs(), staged, storage, meter.part(before.size(), encodeShare));
                    DataDirectory.Stat after = DataDirectory.stat(f.abs());
                    boolean stable = before.equals(after) && e.size() == before.size();
                    if (stable || attempt == STABLE_COPY_ATTEMPTS) {
                        warnIfUnstable(f, stable);
                        writer.putStaged(Storage.storedPath(f.rel(), storage), staged, before.mtime(), f.mode(),
                                meter.part(e.storedSize(), before.size() - encodeShare));
                        add(entry(f.rel(), FileEntry.FILE, e, before.mtime(), f.mode()), true, meter);
                        return;
                    }
                    continue;
                }
                Stored s = writer.copy(f.rel(), f.abs(), before.mtime(), f.mode(), meter.whole());
                DataDirectory.Stat after = DataDirectory.stat(f.abs());
                boolean stable = before.equals(after) && s.size() == before.size();
                if (stable || attempt == STABLE_COPY_ATTEMPTS) {
                    warnIfUnstable(f, stable);
                    add(new FileEntry(f.rel(), FileEntry.FILE, s.size(), s.sha256(), before.mtime(), f.mode(), FileEntry.STORED_PLAIN, null, null), true,
                            meter);
                    return;
                }
            }
        }

        /**
         * The share of a file's count its encoding carries: all of it when the hand-over is a
         * rename (a local target), else half, the upload of the encoded file carrying the rest.
         */
        private long encodeShare(long size) {
            return writer.putStagedMovesBytes() ? size / 2 : size;
        }

        private void warnIfUnstable(SourceFile f, boolean stable) {
            if (!stable) {
                warn(warnings, f.rel() + " kept changing while it was copied; stored as last read (a cold backup avoids this)");
            }
        }

        /** Encodes a source file into a staging file, telling {@code moved} what is read; a vanished source is reported as such. */
        private Encoded encode(String rel, Path source, Path staged, String storage, LongConsumer moved) {
            try (java.io.InputStream in = CountingInputStream.of(Files.newInputStream(source), moved)) {
                return Codec.encode(in, staged, storage, codec, source.getFileName().toString());
            } catch (java.nio.file.NoSuchFileException e) {
                delete(staged);
                if (source.toString().equals(e.getFile())) {
                    throw new SourceVanishedException(rel);
                }
                throw new OwuiException("cannot write " + staged + ": " + e.getMessage(), "check the staging area's permissions", e);
            } catch (IOException e) {
                delete(staged);
                if (e instanceof java.nio.file.FileSystemException fse && source.toString().equals(fse.getFile())) {
                    throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "run the backup as a user that can read the data directory", e);
                }
                throw new OwuiException("cannot store " + rel + " (" + storage + ") at " + staged + ": " + e.getMessage(),
                        "check free space and permissions where the backup is written", e);
            }
        }

        void storeSecretKey(Path key) {
            String mode = "rw-------"; // a secret stays private in the tree whatever the source's mode
            java.time.Instant mtime = DataDirectory.stat(key).mtime();
            String path = BackupOptions.SECRET_KEY_PATH;
            String storage = codec.storageFor(path);
            Progress.Meter meter = progress.file(0); // a few bytes, outside the scanned files: counted when stored
            if (!Storage.isPlain(storage)) {
                Path staged = writer.stagingFile(Storage.storedPath(path, storage));
                Encoded e = encode(path, key, staged, storage, CountingInputStream.NONE);
                writer.putStaged(Storage.storedPath(path, storage), staged, mtime, mode);
                add(entry(path, FileEntry.SECRET_KEY, e, mtime, mode), true, meter);
                return;
            }
            Stored s = writer.copy(path, key, mtime, mode);
            add(new FileEntry(path, FileEntry.SECRET_KEY, s.size(), s.sha256(), mtime, mode,
                    FileEntry.STORED_PLAIN, null, null), true, meter);
        }

        private FileEntry entry(String path, String type, Encoded e, Instant mtime, String mode) {
            return new FileEntry(path, type, e.size(), e.sha256(), mtime, mode, e.storage(), null, null, e.storedSize(), e.storedSha256());
        }

        private void add(FileEntry e, boolean written, Progress.Meter meter) {
            entries.add(e);
            bytesTotal.addAndGet(e.size());
            (written ? bytesWritten : bytesReused).addAndGet(e.size());
            meter.finish(e.size());
            listener.stored(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException ignored) {
            // a leftover staging file goes with the tree if the run fails; on success it is harmless
        }
    }

    private static Stored hash(Path file) throws IOException {
        return Hashing.sha256(file);
    }
}
