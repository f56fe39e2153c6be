package dev.owui.backup.transfer;

import dev.owui.backup.capture.CaptureEvents;
import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.WorkerPool;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.DamageRecord;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.CountingInputStream;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Progress;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.Cleanup;
import dev.owui.backup.store.DamageRecords;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.PrivateFiles;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Copies complete backups from one target to another, keeping their ids. Every stored file is
 * checked against the SHA-256 its manifest records while it is copied; a file the destination
 * already holds (same path and content in its newest complete backup) is shared there by the
 * destination's cheapest means (hard link, server-side copy) instead of being sent again. The copy
 * becomes a backup at the destination only when its manifest is written, under the destination's
 * lock, so an interrupted copy never counts.
 *
 * <p>The source is read without its lock: copying must not stop the source's own backups. A backup
 * that retention removes at the source while it is copied makes the copy fail, cleanly.
 */
public final class BackupCopier {
    private final EngineLog log;
    private final int threads;
    private final CaptureEvents listener;
    private final DecryptionKeys keys;
    private final boolean full;

    public BackupCopier(EngineLog log, int threads) {
        this(log, threads, CaptureEvents.NONE, null);
    }

    /**
     * @param listener told of every file that arrived (tests use it to fail a copy at a chosen point)
     * @param keys     opens encrypted manifests (the file list of such a backup); null when none are.
     *                 Files are copied as stored, compressed or encrypted, and never decoded.
     */
    public BackupCopier(EngineLog log, int threads, CaptureEvents listener, DecryptionKeys keys) {
        this(log, threads, listener, keys, false);
    }

    private BackupCopier(EngineLog log, int threads, CaptureEvents listener, DecryptionKeys keys, boolean full) {
        this.log = log;
        this.threads = Math.max(1, threads);
        this.listener = listener;
        this.keys = keys;
        this.full = full;
    }

    /** A copier that sends every file and shares nothing at the destination (owui.full). */
    public BackupCopier sharingNothing() {
        return new BackupCopier(log, threads, listener, keys, true);
    }

    /** One backup's outcome at the destination. */
    public record Copied(String backupId, boolean skipped, long files, long bytesSent, long bytesShared) {
    }

    /**
     * Copies the named backups (oldest first, so each can share files with the one before it) that
     * the destination does not hold yet; ids it holds are reported as skipped.
     */
    public List<Copied> copy(Target from, Target to, String instance, List<String> ids) {
        List<String> ordered = new ArrayList<>(ids);
        ordered.sort(dev.owui.backup.format.BackupId::compare);
        return underLock(to, instance, () -> {
            List<Copied> out = new ArrayList<>();
            for (String id : ordered) {
                out.add(alreadyThere(to, instance, id) ? skipped(to, id) : copyOne(from, to, instance, id, null));
            }
            return out;
        });
    }

    /**
     * Copies one backup whose full manifest the caller already holds (the capture just made, whose
     * manifest may be encrypted to keys this run cannot decrypt with).
     */
    public Copied copy(Target from, Target to, String instance, Manifest full) {
        String id = full.backupId();
        return underLock(to, instance, () -> alreadyThere(to, instance, id) ? skipped(to, id) : copyOne(from, to, instance, id, full));
    }

    /** Runs {@code work} holding the destination's lock, after clearing what interrupted runs left there. */
    private <T> T underLock(Target to, String instance, java.util.function.Supplier<T> work) {
        try (TargetLock lock = to.lock(instance)) {
            if (lock.clearedStale() != null) {
                log.warn(lock.clearedStale());
            }
            Cleanup cleanup = to.removeIncomplete(instance);
            for (String gone : cleanup.removed()) {
                log.info("removed " + gone + " at " + to.location() + ", left by an interrupted run (it never counted as a backup)");
            }
            cleanup.left().forEach(log::warn);
            return work.get();
        }
    }

    private static boolean alreadyThere(Target to, String instance, String id) {
        return to.backups(instance).contains(id);
    }

    private Copied skipped(Target to, String id) {
        log.info(id + " is already at " + to.location() + "; not copied again");
        return new Copied(id, true, 0, 0, 0);
    }

    private Copied copyOne(Target from, Target to, String instance, String id, Manifest known) {
        Manifest header = from.manifest(instance, id);
        Manifest source = known != null ? known : Manifests.full(header, from, instance, keys);
        // What verify found damaged at the destination: never shared into this copy.
        DamageRecords.Known damage = DamageRecords.read(to, instance);
        if (!damage.unreadable().isEmpty()) {
            log.warn(damage.unreadable().get(0) + ": what it names is unknown, so every file is sent anew");
        }
        Base base = full || !damage.unreadable().isEmpty() ? null : Base.newest(to, instance, keys, log);
        log.info("copying " + id + " from " + from.location() + " to " + to.location()
                + (base == null ? " (every file is sent)" : " (files unchanged since " + base.id + " are shared there)"));
        List<FileEntry> entries = Collections.synchronizedList(new ArrayList<>());
        AtomicLong sent = new AtomicLong();
        AtomicLong shared = new AtomicLong();
        Progress progress = new Progress(log, "copy", source.files().stream().mapToLong(FileEntry::size).sum());
        try (BackupWriter writer = to.begin(instance, id); WorkerPool pool = new WorkerPool(threads)) {
            source.directoriesOrEmpty().forEach(d -> writer.directory(d.path())); // empty folders travel too
            List<Future<?>> futures = new ArrayList<>();
            for (FileEntry e : source.files()) {
                futures.add(pool.submit(() -> {
                    Progress.Meter meter = progress.file(e.size());
                    FileEntry done = copyEntry(from, writer, instance, id, e, base, damage, to.location(), meter);
                    entries.add(done);
                    (done.reusedFrom() != null ? shared : sent).addAndGet(e.size());
                    meter.finish(e.size());
                    listener.stored(done);
                }));
            }
            for (Future<?> f : futures) {
                WorkerPool.await(f);
            }
            entries.sort(Comparator.comparing(FileEntry::path));
            if (Manifests.isEncrypted(header)) {
                // The full list is sealed to keys this copy may not hold (it only decrypts): the
                // encrypted manifest travels as stored, checked against the header's SHA-256.
                String name = header.storage().encryptedManifest();
                sendChecked(from, writer, instance, id, name, name, header.storage().encryptedManifestSha256(), header.finishedAt(), "rw-------",
                        CountingInputStream.NONE, CountingInputStream.NONE);
                writer.commit(header);
            } else {
                long bytes = entries.stream().mapToLong(FileEntry::size).sum();
                writer.commit(new Manifest(source.format(), source.formatVersion(), source.toolVersion(), source.instance(),
                        source.backupId(), source.host(), source.dataDir(), source.mode(), source.startedAt(), source.finishedAt(),
                        source.openWebUi(), new Manifest.Totals(entries.size(), bytes, sent.get(), shared.get()), source.storage(),
                        List.copyOf(entries), source.directories()));
            }
        }
        if (!damage.isEmpty()) {
            List<String> ids = to.backups(instance);
            if (ids.get(ids.size() - 1).equals(id)) {
                // The newest backup there honoured every record: later runs share from it.
                String failed = damage.consume(to, instance);
                if (failed != null) {
                    log.warn(failed);
                }
            }
        }
        log.info("copied " + id + " to " + to.location() + ": " + dev.owui.backup.report.Sizes.bytes(sent.get()) + " sent, "
                + dev.owui.backup.report.Sizes.bytes(shared.get()) + " shared with earlier backups there");
        return new Copied(id, false, entries.size(), sent.get(), shared.get());
    }

    /** Shares the destination's copy when it holds the same content at the same path, else sends and checks the bytes. */
    private FileEntry copyEntry(Target from, BackupWriter writer, String instance, String id, FileEntry e, Base base,
                                DamageRecords.Known damage, String toLocation, Progress.Meter meter) {
        if (!e.hasContent()) {
            writer.symlink(e.path(), e.linkTarget());
            return e.reused(null);
        }
        FileEntry there = base == null ? null : base.byPath.get(e.path());
        if (there != null && sameStoredContent(there, e)) {
            DamageRecord.Damaged d = damage.find(there);
            if (d != null) {
                log.info(e.path() + ": sent anew: verify found the stored copy in " + d.backupId() + " at " + toLocation + " damaged");
            } else {
                long storedSize = there.isStoredPlain() ? there.size() : there.storedSize() == null ? -1 : there.storedSize();
                BackupWriter.Reuse r = writer.reuse(e.storedPath(), base.id, storedSize);
                if (r.shared()) {
                    return e.reused(base.id);
                }
                if (r.damaged()) {
                    log.warn(r.describe(e.storedPath(), base.id, toLocation));
                }
            }
        }
        // Stored bytes are copied as they are (compressed, encrypted), so they are checked against
        // the stored SHA-256 when the file is not plain: no key is needed to copy.
        long stored = e.isStoredPlain() || e.storedSize() == null ? e.size() : e.storedSize();
        long fetchShare = writer.putStagedMovesBytes() ? e.size() / 2 : e.size(); // a rename moves nothing
        sendChecked(from, writer, instance, id, e.storedPath(), e.path(), e.isStoredPlain() ? e.sha256() : e.storedSha256(), e.mtime(), e.mode(),
                meter.part(stored, fetchShare), meter.part(stored, e.size() - fetchShare));
        return e.reused(null);
    }

    /** Fetches a stored file into staging, checks it, and hands it to the writer; {@code fetched} and {@code sent} count the bytes of each step. */
    private static void sendChecked(Target from, BackupWriter writer, String instance, String id, String storedPath, String shown,
                                    String expected, java.time.Instant mtime, String mode, LongConsumer fetched, LongConsumer sent) {
        Path staged = writer.stagingFile(storedPath);
        String got;
        try (InputStream in = CountingInputStream.of(from.open(instance, id, storedPath), fetched); OutputStream out = PrivateFiles.newOutputStream(staged)) {
            got = copyHashing(in, out);
        } catch (IOException x) {
            throw new OwuiException("cannot read " + shown + " of backup " + id + " at " + from.location() + ": " + x.getMessage(),
                    "check the source target; run owui:verify on it", x);
        }
        if (!Objects.equals(got, expected)) {
            throw new OwuiException("file " + shown + " of backup " + id + " at " + from.location()
                    + " does not match its manifest (SHA-256 " + got + ", manifest " + expected + "); nothing of " + id + " was committed at the destination",
                    "run owui:verify on the source; copy another backup with -Dowui.backupId");
        }
        writer.putStaged(storedPath, staged, mtime, mode, sent);
    }

    /** Same path, kind and stored bytes: the destination's file can stand for this one. */
    private static boolean sameStoredContent(FileEntry there, FileEntry e) {
        return there.hasContent() && Objects.equals(there.type(), e.type()) && there.size() == e.size()
                && Objects.equals(there.sha256(), e.sha256()) && Objects.equals(there.storage(), e.storage())
                && Objects.equals(there.storedSha256(), e.storedSha256());
    }

    private static String copyHashing(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha = Hashing.newSha256();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The destination's newest complete backup, whose files a copy may share. */
    private record Base(String id, Map<String, FileEntry> byPath) {
        static Base newest(Target to, String instance, DecryptionKeys keys, EngineLog log) {
            List<String> ids = to.backups(instance);
            for (int i = ids.size() - 1; i >= 0; i--) {
                try {
                    Map<String, FileEntry> map = new HashMap<>();
                    Manifests.read(to, instance, ids.get(i), keys).files().forEach(f -> map.put(f.path(), f));
                    return new Base(ids.get(i), map);
                } catch (OwuiException e) {
                    log.warn("ignoring " + ids.get(i) + " at " + to.location() + " as a base for sharing files: " + e.getMessage());
                }
            }
            return null;
        }
    }
}
