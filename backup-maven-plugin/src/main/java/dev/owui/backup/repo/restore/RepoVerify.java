package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.damage.DamageRecord;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.store.NoSuchObjectException;
import dev.owui.backup.store.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Verifies format 3 backups (FORMAT.md, "Verify"), without a lock:
 * <ol>
 *   <li>structure: each head is read and every chunk of it decoded and checked (stored hash,
 *       plain hash and entry count against the head);</li>
 *   <li>existence: every object a backup names (chunks, findings, contents, page maps, layers)
 *       is in ONE listing of {@code objects/}, with the size the entry records where it records one;</li>
 *   <li>data, as {@link ReadData} selects: each object read once per run however many backups
 *       name it, its stored bytes hashed against its name, decoded when keys are given (files
 *       checked against their plain SHA-256 and size); a selected database (its image selected)
 *       reassembled, checked against its SHA-256 and with {@code PRAGMA integrity_check}.</li>
 * </ol>
 * Damaged objects (missing, wrong size, wrong hash, undecodable) are written to a damage record,
 * so the next backup stores their content anew; records whose objects were all read intact are dropped.
 */
public final class RepoVerify {
    /**
     * @param backupId one backup, or null for all
     * @param readData what to read ({@link ReadData#none()} for structure and existence only)
     * @param keys     decryption keys, or null/none: encrypted objects are then hashed, not decoded
     * @param record   write a damage record for what is found (and drop records read intact)
     * @param postgres   with {@code readData} all: the server whose scratch database each PostgreSQL
     *                   dump is restored into and checked (revision, row counts); null: dumps are
     *                   checked by their hash only
     */
    public record Options(String backupId, ReadData readData, DecryptionKeys keys, boolean record, dev.owui.backup.postgres.PgTarget postgres) {
        public Options(String backupId, ReadData readData, DecryptionKeys keys, boolean record) {
            this(backupId, readData, keys, record, null);
        }
    }

    /**
     * One thing found wrong.
     *
     * @param backup  the backup it concerns
     * @param path    the entry's path (null for a head or chunk)
     * @param object  the object at fault (null when the head itself is unreadable)
     * @param problem what is wrong
     * @param damage  true when the object is damaged (recorded), false for what is not the object's fault
     */
    public record Problem(String backup, String path, String object, String problem, boolean damage) {
    }

    public record Result(List<String> backups, long objectsRead, long bytesRead, long databasesChecked, List<Problem> problems,
                         List<String> warnings, DamageRecord record, int recordsDropped) {
        public boolean ok() {
            return problems.isEmpty();
        }

        /** The problems of each backup, in backup order. */
        public Map<String, List<Problem>> byBackup() {
            Map<String, List<Problem>> out = new LinkedHashMap<>();
            for (Problem p : problems) {
                out.computeIfAbsent(p.backup(), k -> new ArrayList<>()).add(p);
            }
            return out;
        }
    }

    /** What an object's data read expects (from the first entry naming it). */
    private record Need(String storage, String sha256, Long size) {
    }

    /** A database to reassemble: the entry and the backup it was found in. */
    private record DbJob(String backup, Entry entry) {
    }

    private final Repository repo;
    private Consumer<String> onRead = name -> { };

    public RepoVerify(Repository repo) {
        this.repo = repo;
    }

    /** Told the name of each object whose data this verify reads (for tests and progress). */
    public RepoVerify onObjectRead(Consumer<String> listener) {
        this.onRead = listener;
        return this;
    }

    // state of one run
    private DecryptionKeys keys;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> problemKeys = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();
    /** Objects found damaged, with why: each read at most once. */
    private final Map<String, String> damaged = new LinkedHashMap<>();
    /** Objects whose data was read and found intact. */
    private final Set<String> intact = new HashSet<>();
    private long objectsRead;
    private long bytesRead;
    private long databasesChecked;

    public Result run(Options o) {
        keys = o.keys() == null ? DecryptionKeys.none() : o.keys();
        ReadData readData = o.readData() == null ? ReadData.none() : o.readData();
        List<String> ids;
        if (o.backupId() == null) {
            ids = repo.backups().list();
        } else {
            ids = List.of(RepoRestore.select(repo, o.backupId()));
        }
        // Heads are listed before objects: every object a head names was written before it, so
        // it is in the listing unless it is really gone.
        ObjectSizes listing = ObjectSizes.list(repo);
        Map<String, Need> reads = new LinkedHashMap<>();
        Map<String, DbJob> dbs = new LinkedHashMap<>();
        List<String> verified = new ArrayList<>();
        for (String id : ids) {
            if (structureAndExistence(id, listing, readData, reads, dbs)) {
                verified.add(id);
            }
        }
        Set<String> readDamaged = new LinkedHashSet<>();
        for (DbJob job : dbs.values()) {
            checkDatabase(job, readDamaged);
        }
        for (Map.Entry<String, Need> r : reads.entrySet()) {
            String name = r.getKey();
            if (damaged.containsKey(name) || intact.contains(name)) {
                continue; // read already, through a database's reassembly
            }
            String why = checkObject(name, r.getValue());
            if (why != null) {
                damaged.put(name, why);
                readDamaged.add(name);
            }
        }
        if (!readDamaged.isEmpty()) {
            attribute(verified, readDamaged);
        }
        if (readData.readsAll()) {
            checkPostgres(verified, o.postgres());
        }
        DamageRecord record = null;
        int dropped = 0;
        if (o.record()) {
            List<DamageRecord.Damaged> list = new ArrayList<>();
            for (Problem p : problems) {
                if (p.damage() && p.object() != null) {
                    list.add(new DamageRecord.Damaged(p.object(), p.backup(), p.path(), p.problem()));
                }
            }
            if (!readData.readsNothing()) {
                for (DamageRecord r : repo.damage().list()) {
                    if (r.objects().stream().allMatch(d -> intact.contains(d.object()))) {
                        repo.damage().drop(r.id());
                        dropped++;
                    }
                }
            }
            if (!list.isEmpty()) {
                record = repo.damage().record(list);
            }
        }
        return new Result(verified, objectsRead, bytesRead, databasesChecked, List.copyOf(problems), List.copyOf(warnings), record, dropped);
    }

    /**
     * Each backup's PostgreSQL dumps (FORMAT.md, "PostgreSQL instances"): restored into a scratch
     * database on {@code server} and checked against the revision and row counts recorded. A
     * dump whose objects are damaged was named above and is not restored; the same dumps (by
     * their contents) are checked once.
     */
    private void checkPostgres(List<String> ids, dev.owui.backup.postgres.PgTarget server) {
        Set<String> checked = new HashSet<>();
        for (String id : ids) {
            BackupHead head = repo.backups().head(id);
            if (head.postgres() == null || head.postgres().isEmpty() || Storage.isEncrypted(head.chunkStorage()) && keys.isEmpty()) {
                continue;
            }
            if (server == null || server.database() == null) {
                warnings.add("backup " + id + ": its PostgreSQL dumps were checked by their hash only; give a server"
                        + " (owui.databaseUrl) to restore them into a scratch database and check them");
                continue;
            }
            List<Entry> dumps = new ArrayList<>();
            StringBuilder key = new StringBuilder();
            boolean usable = true;
            try (EntryIterator it = repo.backups().entries(head, keys)) {
                while (it.hasNext()) {
                    Entry e = it.next();
                    if (Entry.PG_DUMP.equals(e.type())) {
                        dumps.add(e);
                        key.append(e.path()).append(' ').append(e.sha256()).append('\n');
                        usable &= e.objects().stream().noneMatch(damaged::containsKey) && !(Storage.isEncrypted(e.storage()) && keys.isEmpty());
                    }
                }
            } catch (OwuiException e) {
                continue; // said in step 1
            }
            if (!usable || !checked.add(key.toString())) {
                continue;
            }
            try {
                for (String[] p : PgRestoreStep.verify(repo, head, dumps, keys, server)) {
                    problem(id, p[0], null, p[1], false);
                }
                databasesChecked += head.postgres().size();
            } catch (OwuiException | IOException e) {
                problem(id, Entry.PG_DUMPS, null, "the PostgreSQL dump does not restore into a scratch database: " + e.getMessage(), false);
            }
        }
    }

    /** Steps 1 and 2 for one backup, collecting what step 3 reads. False when the backup cannot be read at all. */
    private boolean structureAndExistence(String id, ObjectSizes listing, ReadData readData, Map<String, Need> reads, Map<String, DbJob> dbs) {
        BackupHead head;
        try {
            head = repo.backups().head(id);
        } catch (OwuiException e) {
            problem(id, null, null, "head unreadable: " + e.getMessage(), false);
            return false;
        }
        for (BackupHead.ChunkRef c : head.chunks()) {
            exists(listing, id, null, c.object(), null);
        }
        if (head.findings() != null) {
            exists(listing, id, null, head.findings(), null);
        }
        if (Storage.isEncrypted(head.chunkStorage()) && keys.isEmpty()) {
            warnings.add("backup " + id + " has an encrypted manifest: its entries were not checked (give the key to check them)");
            return true;
        }
        int[] seen = {0};
        try (EntryIterator it = repo.backups().entries(head, keys)) {
            while (it.hasNext()) {
                Entry e = it.next();
                seen[0]++;
                for (String obj : e.objects()) {
                    Long storedSize = e.storedSizeOf(obj);
                    if (!exists(listing, id, e.path(), obj, storedSize)) {
                        continue;
                    }
                    if (!readData.selects(obj)) {
                        continue;
                    }
                    boolean content = obj.equals(e.object());
                    Entry.Chunk piece = content || e.chunks() == null ? null
                            : e.chunks().stream().filter(c -> c.object().equals(obj)).findFirst().orElse(null);
                    reads.putIfAbsent(obj, piece != null ? new Need(e.storage(), piece.sha256(), piece.size())
                            : new Need(e.storage(), content ? e.sha256() : null, content ? e.size() : null));
                }
                if (Entry.SQLITE.equals(e.type()) && e.layers() != null && !e.layers().isEmpty()
                        && readData.selects(e.layers().get(0).object())) {
                    StringBuilder key = new StringBuilder(String.valueOf(e.sha256()));
                    e.layers().forEach(l -> key.append(' ').append(l.object()));
                    dbs.putIfAbsent(key.toString(), new DbJob(id, e));
                }
            }
        } catch (OwuiException e) {
            // the chunk being read when it failed: entries are counted against the head's chunks
            String chunk = null;
            int sum = 0;
            for (BackupHead.ChunkRef c : head.chunks()) {
                chunk = c.object();
                sum += c.entries();
                if (seen[0] < sum) {
                    break;
                }
            }
            problem(id, null, chunk, "entries unreadable: " + e.getMessage(), chunk != null && !damaged.containsKey(chunk));
            if (chunk != null) {
                damaged.putIfAbsent(chunk, e.getMessage());
            }
            return true;
        }
        // every chunk was read to its end and checked: a record naming one can be dropped
        head.chunks().forEach(c -> intact.add(c.object()));
        return true;
    }

    /** Step 2 for one object: false (and a problem) when it is missing or has another size than recorded. */
    private boolean exists(ObjectSizes listing, String backup, String path, String object, Long storedSize) {
        if (!ObjectNames.isName(object)) {
            problem(backup, path, null, "names '" + object + "', which is not an object name", false);
            return false;
        }
        long size = listing.size(object);
        String why = null;
        if (size < 0) {
            why = "missing";
        } else if (storedSize != null && size != storedSize) {
            why = "size " + size + " ≠ " + storedSize;
        }
        if (why != null) {
            damaged.putIfAbsent(object, why);
            problem(backup, path, object, why, true);
            return false;
        }
        return !damaged.containsKey(object);
    }

    /**
     * Reassembles a database from its layers into a temp file, checks its SHA-256 (in
     * reassembly) and runs {@code PRAGMA integrity_check}. A layer that fails is checked by
     * itself to say why; its layers count as read.
     */
    private void checkDatabase(DbJob job, Set<String> readDamaged) {
        Entry e = job.entry();
        for (Entry.Layer l : e.layers()) {
            if (damaged.containsKey(l.object())) {
                return; // missing: said in step 2
            }
        }
        if (Storage.isEncrypted(e.storage()) && keys.isEmpty()) {
            // no key: the layers are read as objects (hashed) instead
            return;
        }
        String[] current = {null};
        Path tmp = null;
        try {
            Files.createDirectories(repo.scratch());
            tmp = Files.createTempFile(repo.scratch(), "owui-verify-", ".db");
            String what = "backup " + job.backup() + ": " + e.path();
            List<PageSets.Layer> layers = RepoRestore.layers(repo, e, keys, name -> {
                current[0] = name;
                onRead.accept(name);
                objectsRead++;
            }, what);
            try {
                PageSets.reassemble(layers, e.pageSize(), e.pageCount(), e.sha256(), tmp);
            } catch (OwuiException | IOException | IllegalArgumentException ex) {
                // which layer? each opened one is checked by itself; the first found damaged is named
                List<String> opened = new ArrayList<>();
                for (Entry.Layer l : e.layers()) {
                    opened.add(l.object());
                    if (l.object().equals(current[0])) {
                        break;
                    }
                }
                for (String name : opened) {
                    String why = checkObject(name, new Need(e.storage(), null, null));
                    if (why != null) {
                        damaged.put(name, why);
                        readDamaged.add(name);
                        return;
                    }
                }
                // every layer is intact, yet they do not make the capture: the last layer does not belong
                String last = e.layers().get(e.layers().size() - 1).object();
                problem(job.backup(), e.path(), last, "the layers do not reassemble to the database: " + ex.getMessage(), true);
                damaged.putIfAbsent(last, "does not reassemble");
                return;
            }
            for (Entry.Layer l : e.layers()) {
                intact.add(l.object());
            }
            bytesRead += Files.size(tmp);
            databasesChecked++;
            List<String> complaints = SqliteCapture.integrityCheck(tmp);
            if (!complaints.isEmpty()) {
                String image = e.layers().get(0).object();
                problem(job.backup(), e.path(), image, "integrity_check: " + String.join("; ", complaints), true);
            }
        } catch (IOException | java.sql.SQLException ex) {
            warnings.add("backup " + job.backup() + ": " + e.path() + " could not be checked here: " + ex.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file in the scratch folder
                }
            }
        }
    }

    /**
     * Reads one object: its stored bytes are hashed to the end whatever happens to the decoding,
     * so a hash mismatch is told apart from a key that does not fit. Returns why it is damaged, or
     * null when it is intact (or could only be hashed, not decoded: a warning says so).
     */
    private String checkObject(String name, Need need) {
        onRead.accept(name);
        objectsRead++;
        String rel = ObjectNames.relativeKey(name);
        String where = repo.where(rel);
        MessageDigest stored = Hashing.newSha256();
        MessageDigest plain = Hashing.newSha256();
        long plainSize = 0;
        String decodeProblem = null;
        boolean decode = !(Storage.isEncrypted(need.storage()) && keys.isEmpty());
        long[] rawBytes = {0};
        try (InputStream raw = repo.store().read(repo.key(rel))) {
            DigestInputStream hashed = new DigestInputStream(new java.io.FilterInputStream(raw) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    rawBytes[0] += b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    rawBytes[0] += Math.max(n, 0);
                    return n;
                }
            }, stored);
            byte[] buf = new byte[1 << 16];
            if (decode) {
                try {
                    InputStream in = Codec.decode(hashed, need.storage(), keys, where);
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        plain.update(buf, 0, n);
                        plainSize += n;
                    }
                } catch (IOException | RuntimeException ex) {
                    decodeProblem = ex.getMessage();
                }
            }
            while (hashed.read(buf) >= 0) {
                // what the decoder left unread belongs to the stored bytes too
            }
        } catch (NoSuchObjectException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } finally {
            bytesRead += rawBytes[0];
        }
        String actual = HexFormat.of().formatHex(stored.digest());
        if (!actual.equals(name)) {
            return "hash mismatch: the stored bytes hash to " + actual;
        }
        if (decodeProblem != null) {
            if (Storage.isEncrypted(need.storage())) {
                warnings.add("object " + name + " is intact but could not be decrypted with the given keys: " + decodeProblem);
                return null;
            }
            return "undecodable: " + decodeProblem;
        }
        if (decode && need.sha256() != null) {
            String content = HexFormat.of().formatHex(plain.digest());
            if (!content.equals(need.sha256()) || need.size() != null && plainSize != need.size()) {
                return "content is " + plainSize + " bytes hashing to " + content + ", the backup says " + need.size() + " bytes hashing to " + need.sha256();
            }
        }
        intact.add(name);
        return null;
    }

    /** Finds the backups and paths naming objects found damaged by reading (one more pass over the entries). */
    private void attribute(List<String> ids, Set<String> names) {
        Map<String, Boolean> named = new HashMap<>();
        for (String id : ids) {
            BackupHead head = repo.backups().head(id);
            if (Storage.isEncrypted(head.chunkStorage()) && keys.isEmpty()) {
                continue;
            }
            try (EntryIterator it = repo.backups().entries(head, keys)) {
                while (it.hasNext()) {
                    Entry e = it.next();
                    for (String obj : e.objects()) {
                        if (names.contains(obj)) {
                            problem(id, e.path(), obj, damaged.get(obj), true);
                            named.put(obj, true);
                        }
                    }
                }
            } catch (OwuiException e) {
                // said in step 1
            }
        }
        for (String n : names) {
            if (!named.containsKey(n)) {
                problem(null, null, n, damaged.get(n), true);
            }
        }
    }

    private void problem(String backup, String path, String object, String why, boolean damage) {
        if (problemKeys.add(backup + "\0" + path + "\0" + object)) {
            problems.add(new Problem(backup, path, object, why, damage));
        }
    }
}
