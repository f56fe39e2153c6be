package dev.owui.backup.repo.copy;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.WorkerPool;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Backups;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.damage.DamageRecord;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.store.NoSuchObjectException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.store.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies format 3 backups from one repository into another, restic {@code copy}'s way (FORMAT.md,
 * "Copy"): under the source's shared lock (its backups go on being readable, no prune removes an
 * object meanwhile) and the destination's exclusive lock, each backup's objects that the
 * destination lacks are copied verbatim, then its head, last and write-if-absent. An object is
 * named by the SHA-256 of its stored bytes, so it is copied as stored (no key, no re-encoding)
 * and hashed while it streams into a local temp file: bytes that do not hash to the name fail the
 * copy naming the object, and are never stored. A crash at any point leaves objects no head names
 * (the next prune collects them, the next copy reuses them), never a head naming a missing one.
 *
 * <p>Objects the destination has recorded damaged ({@code damage/}) are never taken as present:
 * they are copied again and replace the damaged one at its name (delete, then write, under the
 * lock), which mends every backup there that names it; a record whose objects were all replaced
 * is dropped.
 */
public final class RepoCopier {
    public static final String COMMAND = "owui:copy";

    /**
     * Storage settings the operator gave for the destination. Objects are copied as stored, never
     * re-encoded, so a backup stored otherwise is refused before anything is copied rather than
     * kept with settings other than asked.
     *
     * @param storage         compression, zstd level and encryption as a head records them (null: plain)
     * @param encryptManifest whether the entries must be encrypted (owui.encryptManifest)
     */
    public record Required(Manifest.StorageSettings storage, boolean encryptManifest) {
    }

    /**
     * @param keys     reads encrypted entries (owui.encryptManifest), which list the objects to copy;
     *                 contents are copied as stored and never decrypted
     * @param threads  objects copied at once
     * @param required settings the destination asks for, or null to copy each backup as stored
     */
    public record Options(DecryptionKeys keys, int threads, Required required) {
        public Options {
            keys = keys == null ? DecryptionKeys.none() : keys;
            threads = Math.max(1, threads);
        }
    }

    /**
     * One backup's outcome at the destination.
     *
     * @param files           files and databases of the backup (its head's totals)
     * @param objectsCopied   objects sent to the destination
     * @param objectsPresent  objects the destination held already (by name), so not sent
     * @param objectsRepaired of the copied, those that replaced an object recorded damaged there
     */
    public record Copied(String backupId, boolean skipped, long files, long objectsCopied, long bytesCopied, long objectsPresent,
                         long bytesPresent, long objectsRepaired) {
    }

    /** Told of each object stored at the destination (tests stop a copy there). */
    public interface Listener {
        Listener NONE = (name, size) -> {
        };

        void objectCopied(String name, long size);
    }

    private final EngineLog log;
    private final Listener listener;

    public RepoCopier(EngineLog log) {
        this(log, Listener.NONE);
    }

    public RepoCopier(EngineLog log, Listener listener) {
        this.log = log;
        this.listener = listener;
    }

    /**
     * Copies the backups {@code ids} (oldest first) from {@code from} into {@code to}. Ids the
     * destination holds already, as a head or in {@code alsoThere} (its format 1/2 trees), are
     * reported as skipped. Every head is read and checked against {@code o.required()} before
     * anything is copied.
     */
    public List<Copied> copy(Repository from, Repository to, List<String> ids, Collection<String> alsoThere, Options o) {
        if (Objects.equals(from.info().id(), to.info().id())) {
            throw new OwuiException("the source and the destination are the same repository (" + from.where("") + ", id " + from.info().id() + ")",
                    "copy to another target");
        }
        List<String> ordered = new ArrayList<>(ids);
        ordered.sort(BackupId::compare);
        try (RepoLock shared = from.lock(false, COMMAND); RepoLock lock = to.lock(true, COMMAND)) {
            List<String> there = to.backups().list();
            List<Copied> out = new ArrayList<>();
            List<Source> todo = new ArrayList<>();
            for (String id : ordered) {
                if (there.contains(id) || alsoThere.contains(id)) {
                    log.info(id + " is already at " + to.where("") + "; not copied again");
                    out.add(new Copied(id, true, 0, 0, 0, 0, 0, 0));
                } else {
                    todo.add(source(from, id, o));
                }
            }
            if (todo.isEmpty()) {
                return out;
            }
            Set<String> damaged = to.damage().damagedNames();
            ObjectInventory inventory = ObjectInventory.of(to);
            Set<String> repaired = ConcurrentHashMap.newKeySet();
            for (Source s : todo) {
                out.add(new Job(from, to, lock, s, o, damaged, inventory, repaired).run());
            }
            dropMended(to, repaired);
            out.sort((a, b) -> BackupId.compare(a.backupId(), b.backupId()));
            return out;
        }
    }

    /** A backup to copy: its head as stored (copied byte for byte) and as read. */
    private record Source(String id, byte[] raw, BackupHead head) {
    }

    private Source source(Repository from, String id, Options o) {
        String rel = Backups.headKey(id);
        BackupHead head = from.backups().head(id);
        byte[] raw;
        try (InputStream in = from.store().read(from.key(rel))) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new OwuiException("cannot read " + from.where(rel) + ": " + e.getMessage(), "check the source target and run again", e);
        }
        if (Storage.isEncrypted(head.chunkStorage()) && o.keys().isEmpty()) {
            throw new OwuiException("the entries of backup " + id + " at " + from.where("") + " are encrypted (owui.encryptManifest), and they "
                    + "list the objects to copy", "give the passphrase (owui.encryption.serverId or owui.passphraseEnv) or the secret key "
                    + "(owui.secretKeyRing); the contents are copied as stored and never decrypted");
        }
        if (o.required() != null) {
            Required r = o.required();
            boolean manifestEncrypted = Storage.isEncrypted(head.chunkStorage());
            if (!sameStorage(r.storage(), head.storage()) || r.encryptManifest() != manifestEncrypted) {
                throw new OwuiException("backup " + id + " at " + from.where("") + " is stored as " + describe(head.storage(), manifestEncrypted)
                        + ", not as the destination's settings say (" + describe(r.storage(), r.encryptManifest()) + "); a format 3 copy "
                        + "keeps every object as stored and does not re-encode", "leave owui.compression, owui.zstdLevel, owui.recipients "
                        + "and owui.encryptManifest unset to copy the backup as it is stored, or give the settings it was made with");
            }
        }
        return new Source(id, raw, head);
    }

    /** Same compression, level (when compressed) and encryption. */
    static boolean sameStorage(Manifest.StorageSettings a, Manifest.StorageSettings b) {
        String ca = a == null ? null : a.compression();
        String cb = b == null ? null : b.compression();
        if (!Objects.equals(ca, cb)) {
            return false;
        }
        if (ca != null && !Objects.equals(a.zstdLevel(), b.zstdLevel())) {
            return false;
        }
        return Manifest.StorageSettings.sameEncryption(a, b);
    }

    private static String describe(Manifest.StorageSettings s, boolean manifestEncrypted) {
        String d = s == null ? "plain" : s.describe();
        return manifestEncrypted ? d + ", entries encrypted" : d;
    }

    /** Drops the destination's damage records whose every object this run replaced with bytes that hash to its name. */
    private void dropMended(Repository to, Set<String> repaired) {
        if (repaired.isEmpty()) {
            return;
        }
        for (DamageRecord r : to.damage().list()) {
            if (r.objects().stream().allMatch(d -> repaired.contains(d.object()))) {
                to.damage().drop(r.id());
                log.info("dropped the damage record " + r.id() + " at " + to.where("") + ": every object it names was copied anew");
            }
        }
    }

    private final class Job {
        final Repository from;
        final Repository to;
        final RepoLock lock;
        final Source source;
        final Options o;
        final Set<String> damaged;
        final ObjectInventory inventory;
        final Set<String> repaired;
        final AtomicLong copied = new AtomicLong();
        final AtomicLong bytesCopied = new AtomicLong();
        final AtomicLong present = new AtomicLong();
        final AtomicLong bytesPresent = new AtomicLong();
        final AtomicLong repairedHere = new AtomicLong();

        Job(Repository from, Repository to, RepoLock lock, Source source, Options o, Set<String> damaged, ObjectInventory inventory,
            Set<String> repaired) {
            this.from = from;
            this.to = to;
            this.lock = lock;
            this.source = source;
            this.o = o;
            this.damaged = damaged;
            this.inventory = inventory;
            this.repaired = repaired;
        }

        Copied run() {
            String id = source.id();
            BackupHead head = source.head();
            log.info("copying format 3 backup " + id + " from " + from.where("") + " to " + to.where("") + " (objects the destination lacks)");
            try (WorkerPool pool = new WorkerPool(o.threads())) {
                ArrayDeque<Future<?>> pending = new ArrayDeque<>();
                int window = o.threads() * 8;
                Need need = (name, what) -> {
                    if (!inventory.claim(name, damaged.contains(name) && !repaired.contains(name))) {
                        present.incrementAndGet();
                        long s = inventory.size(name);
                        if (s > 0) {
                            bytesPresent.addAndGet(s);
                        }
                        return;
                    }
                    pending.add(pool.submit(() -> copyObject(name, what)));
                    while (pending.size() > window) {
                        WorkerPool.await(pending.poll());
                    }
                };
                if (head.findings() != null) {
                    need.object(head.findings(), "the findings");
                }
                for (BackupHead.ChunkRef c : head.chunks()) {
                    need.object(c.object(), "an entry chunk (from " + c.first() + ")");
                }
                try (EntryIterator entries = from.backups().entries(head, o.keys())) {
                    while (entries.hasNext()) {
                        Entry e = entries.next();
                        for (String name : e.objects()) {
                            need.object(name, e.path());
                        }
                    }
                }
                while (!pending.isEmpty()) {
                    WorkerPool.await(pending.poll());
                }
            }
            // Every object is there: the head, last, makes the backup exist at the destination.
            lock.checkExclusive("writing the head of backup " + id);
            String rel = Backups.headKey(id);
            if (!to.store().writeIfAbsent(to.key(rel), source.raw())) {
                throw new OwuiException("backup " + id + " appeared at " + to.where(rel) + " while it was copied",
                        "run the copy again: it skips backups already there");
            }
            long files = head.totals() == null ? 0 : head.totals().files();
            log.info("copied " + id + " to " + to.where("") + ": " + copied.get() + " objects sent (" + Sizes.bytes(bytesCopied.get()) + "), "
                    + present.get() + " already there (" + Sizes.bytes(bytesPresent.get()) + ")"
                    + (repairedHere.get() > 0 ? ", " + repairedHere.get() + " recorded damaged there replaced" : ""));
            return new Copied(id, false, files, copied.get(), bytesCopied.get(), present.get(), bytesPresent.get(), repairedHere.get());
        }

        /** Streams the object into a temp file hashing it, refuses it unless it hashes to its name, then stores it. */
        private void copyObject(String name, String what) {
            String rel = ObjectNames.relativeKey(name);
            Path temp = null;
            try {
                Files.createDirectories(to.scratch());
                temp = Files.createTempFile(to.scratch(), "owui-copy-", ".tmp");
                dev.owui.backup.store.BackupWriter.Stored read;
                try (InputStream in = from.store().read(from.key(rel)); OutputStream out = Files.newOutputStream(temp)) {
                    read = Hashing.copy(in, out);
                } catch (NoSuchObjectException gone) {
                    throw new OwuiException("object " + from.where(rel) + " (" + what + " of backup " + source.id() + ") is missing at the source; "
                            + "backup " + source.id() + " was not copied (no head written at " + to.where("") + ")",
                            "run owui:verify on the source; copy other backups with -Dowui.backupId", gone);
                }
                long n = read.size();
                String got = read.sha256();
                if (!got.equals(name)) {
                    throw new OwuiException("object " + from.where(rel) + " (" + what + " of backup " + source.id() + ") is damaged at the source: "
                            + "its bytes hash to " + got + ", not to its name; it was not stored, and backup " + source.id()
                            + " was not copied (no head written at " + to.where("") + ")",
                            "run owui:verify on the source (it records the damage; the next backup there stores the content anew); "
                                    + "copy other backups with -Dowui.backupId");
                }
                String key = to.key(rel);
                boolean replace = damaged.contains(name) && inventory.listed(name);
                if (replace) {
                    lock.checkExclusive("replacing object " + name + ", recorded damaged");
                    to.store().delete(key);
                }
                boolean wrote = to.store().writeIfAbsent(key, temp);
                if (replace && !wrote) {
                    throw new OwuiException("object " + to.where(rel) + " reappeared while it was replaced", "run the copy again");
                }
                if (damaged.contains(name)) {
                    repaired.add(name);
                    if (replace) {
                        repairedHere.incrementAndGet();
                        log.info(what + ": object " + name + " was recorded damaged at " + to.where("") + "; copied anew under its name");
                    }
                }
                inventory.add(name, n);
                if (wrote) {
                    copied.incrementAndGet();
                    bytesCopied.addAndGet(n);
                    listener.objectCopied(name, n);
                } else {
                    present.incrementAndGet();
                    bytesPresent.addAndGet(n);
                }
            } catch (IOException e) {
                throw new OwuiException("cannot copy object " + from.where(rel) + " (" + what + " of backup " + source.id() + ") through "
                        + to.scratch() + ": " + e.getMessage(), "check the source target and the free space of the temp folder", e);
            } finally {
                if (temp != null) {
                    try {
                        Files.deleteIfExists(temp);
                    } catch (IOException ignored) {
                        // a leftover in the temp folder; the next run's temp files have other names
                    }
                }
            }
        }
    }

    private interface Need {
        void object(String name, String what);
    }
}
