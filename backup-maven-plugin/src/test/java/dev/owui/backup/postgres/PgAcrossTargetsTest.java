package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.copy.RepoCopier;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.restore.ReadData;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.repo.store.SftpObjectStore;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 4: a PostgreSQL instance works with every target, retention, copy, encryption and
 * compression as a SQLite instance does, and an unchanged database costs nothing new. Against a
 * real PostgreSQL, a real OpenSSH sshd and S3Proxy, with zstd and a passphrase.
 */
class PgAcrossTargetsTest {
    static final String DB = "across";
    static final String MAIN_DUMP = Entry.PG_DUMPS + "openwebui.dump";
    static final char[] PASSPHRASE = "a passphrase for the dumps".toCharArray();
    static final AtomicInteger names = new AtomicInteger();

    @TempDir
    static Path shared;
    static PostgresServer pg;
    static S3Server s3;
    static Sshd sshd;
    static Path data;

    @TempDir
    Path tmp;
    final TestSupport.RecordingLog log = new TestSupport.RecordingLog();

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        s3 = S3Server.start(shared.resolve("s3"));
        sshd = Sshd.start(shared.resolve("sshd"));
        // A few MB: 2,000 chats of 4 messages (the measurement's base), and a data directory with the uploads.
        PgOpenWebUi.Summary sum = PgOpenWebUi.createDatabase(pg, DB, 2000);
        data = PgOpenWebUi.writeUploads(sum, shared.resolve("data"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    static CodecSettings encrypted() {
        return CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASSPHRASE, List.of()));
    }

    static DecryptionKeys keys() {
        return DecryptionKeys.of(PASSPHRASE, null);
    }

    /** A database of its own with {@link #DB}'s rows (for the tests that change it). */
    static String copyOf(String prefix) throws SQLException {
        String name = prefix + "_" + names.incrementAndGet();
        try (Connection c = pg.connectSuper("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + DB + " OWNER " + PostgresServer.APP_ROLE);
        }
        return name;
    }

    static String fresh(String prefix) {
        return prefix + "_" + names.incrementAndGet();
    }

    static Map<String, Long> counts(String db) throws SQLException {
        try (Connection c = pg.connect(db)) {
            return PgFacts.read(c).counts();
        }
    }

    static long databaseSize(String db) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_database_size(current_database())")) {
            r.next();
            return r.getLong(1);
        }
    }

    Repository open(ObjectStore store, String scratch) {
        return Repository.open(store, "open-webui", tmp.resolve(scratch), log);
    }

    RepoBackupRunner.Result backup(Repository repo, String db, CodecSettings codec) {
        return new RepoBackupRunner(log).run(repo, new RepoBackupRunner.Options(data, "open-webui", null, null, codec, keys(), false,
                tmp.resolve("staging"), null, 2, PgSource.of(pg.appUrl(db))));
    }

    RepoRestore.Result restore(Repository repo, String backupId, String intoDb) {
        return new RepoRestore(repo).run(new RepoRestore.Options(backupId, tmp.resolve("restored-" + intoDb), keys(), null, null, 2)
                .withPostgres(PgTarget.into(pg.appUrl(intoDb))));
    }

    static Entry entry(Repository repo, String backupId, String path) {
        try (EntryIterator it = repo.backups().entries(repo.backups().head(backupId), keys())) {
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.path().equals(path)) {
                    return e;
                }
            }
        }
        throw new AssertionError(path + " not in " + backupId);
    }

    static List<Entry> dumpEntries(Repository repo, String backupId) {
        List<Entry> out = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(repo.backups().head(backupId), keys())) {
            it.forEachRemaining(e -> {
                if (Entry.PG_DUMP.equals(e.type())) {
                    out.add(e);
                }
            });
        }
        return out;
    }

    /** Object name → stored size, from one listing of objects/. */
    static Map<String, Long> objects(Repository repo) {
        Map<String, Long> out = new TreeMap<>();
        repo.store().list(repo.key(ObjectNames.DIR), s -> {
            String n = ObjectNames.nameOf(repo.relative(s.key()));
            if (n != null) {
                out.put(n, s.size());
            }
        });
        return out;
    }

    /** Backup, an unchanged second backup that stores nothing, and a restore into an empty database. */
    private String unchangedCostsNothingAndRestores(Repository repo) throws Exception {
        RepoBackupRunner.Result first = backup(repo, DB, encrypted());
        Entry dump = entry(repo, first.backupId(), MAIN_DUMP);
        assertEquals("zstd+pgp", dump.storage());
        Map<String, Long> before = objects(repo);
        RepoBackupRunner.Result second = backup(repo, DB, encrypted());
        assertEquals(0, second.objectsWritten(), "an unchanged database stores no new object");
        assertEquals(0, second.bytesWritten());
        assertEquals(before, objects(repo), "the store gained nothing");
        assertEquals(dump, entry(repo, second.backupId(), MAIN_DUMP), "the dump's entry and object are the first backup's");

        String into = fresh("restored");
        restore(repo, second.backupId(), into);
        assertEquals(counts(DB), counts(into));
        return second.backupId();
    }

    @Test
    void overSftpEncryptedAndCompressed() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("sftp-target"));
        try (ObjectStore store = SftpObjectStore.open(SftpUrl.parse(sshd.url(root.toString())), sshd.options())) {
            unchangedCostsNothingAndRestores(open(store, "scratch-sftp"));
        }
    }

    /** On S3, then owui:copy's engine to a local target, and a restore from the copy. */
    @Test
    void onS3ThenCopiedToALocalTarget() throws Exception {
        try (ObjectStore store = S3ObjectStore.open(s3.spec("s3://backups/pg-" + names.incrementAndGet()), S3Server.context());
             LocalObjectStore local = new LocalObjectStore(tmp.resolve("local-target"))) {
            Repository src = open(store, "scratch-s3");
            String id = unchangedCostsNothingAndRestores(src);
            Repository dst = open(local, "scratch-local");
            List<String> ids = src.backups().list();
            List<RepoCopier.Copied> copied = new RepoCopier(log).copy(src, dst, ids, List.of(), new RepoCopier.Options(keys(), 2, null));
            assertEquals(ids, copied.stream().map(RepoCopier.Copied::backupId).toList());
            Entry dump = entry(src, id, MAIN_DUMP);
            assertEquals(dump, entry(dst, id, MAIN_DUMP), "the dump is copied as stored, encrypted");
            assertTrue(objects(dst).keySet().containsAll(dump.objects()), "every piece of the dump copied");
            String into = fresh("from_copy");
            restore(dst, id, into);
            assertEquals(counts(DB), counts(into));
        }
    }

    /**
     * Keep the last 1 at a target: a dump object the newest backup still names stays; once no
     * backup names it, the prune sweeps it.
     */
    @Test
    void retentionKeepsAReferencedDumpAndSweepsAnUnreferencedOne() throws Exception {
        String db = copyOf("kept");
        Path root = tmp.resolve("target");
        try (LocalObjectStore store = new LocalObjectStore(root)) {
            Repository repo = open(store, "scratch");
            RepoBackupRunner.Result a = backup(repo, db, encrypted());
            RepoBackupRunner.Result b = backup(repo, db, encrypted()); // unchanged: names a's dump object
            List<String> shared = entry(repo, a.backupId(), MAIN_DUMP).objects();
            assertEquals(shared, entry(repo, b.backupId(), MAIN_DUMP).objects());

            MixedPruner.Outcome o = keepLast1(root, store, b.backupId());
            assertEquals(List.of(a.backupId()), o.repo().forgotten());
            assertEquals(List.of(b.backupId()), repo.backups().list());
            assertTrue(objects(repo).keySet().containsAll(shared), "b still names the dump's pieces: kept");

            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE chat SET title = 'changed' WHERE id = (SELECT min(id) FROM chat)");
            }
            RepoBackupRunner.Result cb = backup(repo, db, encrypted());
            List<String> changed = entry(repo, cb.backupId(), MAIN_DUMP).objects();
            assertNotEquals(shared, changed);
            List<String> gone = new ArrayList<>(shared);
            gone.removeAll(changed);
            assertFalse(gone.isEmpty(), "the change replaced some pieces");
            assertTrue(changed.stream().anyMatch(shared::contains), "and kept others");
            keepLast1(root, store, cb.backupId());
            assertEquals(List.of(cb.backupId()), repo.backups().list());
            Map<String, Long> left = objects(repo);
            assertTrue(gone.stream().noneMatch(left::containsKey), "no backup names the replaced pieces: swept");
            assertTrue(left.keySet().containsAll(changed), "the pieces the newest backup names stay, old ones included");
            String into = fresh("after_prune");
            restore(repo, cb.backupId(), into);
            assertEquals(counts(db), counts(into));
        }
    }

    private MixedPruner.Outcome keepLast1(Path root, LocalObjectStore store, String protect) {
        return MixedPruner.apply(TestSupport.target(root), store, "open-webui", Policy.keepLast(1), ZoneOffset.UTC, protect, false,
                keys(), tmp.resolve("scratch-prune"), log);
    }

    /**
     * A byte flipped in one stored piece of the dump: verify finds and records it, the next backup
     * of the unchanged database does not reuse it but stores that piece anew (a zstd object at its
     * own name, repairing it; an encrypted one under a new name) and reuses the other pieces, and
     * then verify and restore are sound.
     */
    @Test
    void aDamagedDumpIsFoundAndStoredAnewZstd() throws Exception {
        damagedDumpIsStoredAnew(CodecSettings.zstd(3), true);
    }

    @Test
    void aDamagedDumpIsFoundAndStoredAnewEncrypted() throws Exception {
        damagedDumpIsStoredAnew(encrypted(), false);
    }

    private void damagedDumpIsStoredAnew(CodecSettings codec, boolean sameName) throws Exception {
        Path root = tmp.resolve("target");
        try (LocalObjectStore store = new LocalObjectStore(root)) {
            Repository repo = open(store, "scratch");
            RepoBackupRunner.Result first = backup(repo, DB, codec);
            Entry dump = entry(repo, first.backupId(), MAIN_DUMP);
            assertTrue(dump.chunks().size() > 3, "the dump is stored in pieces: " + dump.chunks().size());
            String piece = dump.chunks().get(dump.chunks().size() / 2).object();
            Path file = root.resolve("open-webui").resolve(ObjectNames.relativeKey(piece));
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x40;
            Files.write(file, bytes);

            RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), keys(), true));
            assertFalse(v.ok());
            assertTrue(v.problems().stream().anyMatch(p -> p.damage() && MAIN_DUMP.equals(p.path()) && piece.equals(p.object())),
                    v.problems().toString());
            assertTrue(repo.damage().damagedNames().contains(piece), "recorded");

            RepoBackupRunner.Result second = backup(repo, DB, codec);
            Entry again = entry(repo, second.backupId(), MAIN_DUMP);
            assertEquals(dump.sha256(), again.sha256(), "the same dump (the database did not change)");
            assertEquals(sameName, again.objects().contains(piece), "zstd: repaired at its name; encrypted: a new object");
            List<String> others = new ArrayList<>(dump.objects());
            others.remove(piece);
            assertTrue(again.objects().containsAll(others), "the intact pieces are reused");
            assertTrue(second.objectsWritten() >= 1, "the piece is stored anew, never the damaged object reused");

            RepoVerify.Result after = new RepoVerify(repo).run(new RepoVerify.Options(second.backupId(), ReadData.all(), keys(), true));
            assertTrue(after.ok(), after.problems().toString());
            String into = fresh("after_damage");
            restore(repo, second.backupId(), into);
            assertEquals(counts(DB), counts(into));
        }
    }

    /** A day of edits: 1% of the messages and 1% of the chats' titles (from the first rows, or from the last). */
    static int changeOnePercent(String db, String suffix, boolean last) throws SQLException {
        String order = last ? " DESC" : "";
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            int messages = s.executeUpdate("UPDATE chat_message SET content = content || ' (" + suffix + ")' WHERE id IN"
                    + " (SELECT id FROM chat_message ORDER BY id" + order + " LIMIT (SELECT count(*) / 100 FROM chat_message))");
            s.executeUpdate("UPDATE chat SET title = title || ' (" + suffix + ")' WHERE id IN"
                    + " (SELECT id FROM chat ORDER BY id" + order + " LIMIT (SELECT count(*) / 100 FROM chat))");
            return messages;
        }
    }

    /** The plain bytes of {@code after}'s pieces that {@code before} does not hold (what a backup had to store). */
    static long newBytes(Entry before, Entry after) {
        java.util.Set<String> old = new java.util.HashSet<>(before.objects());
        return after.chunks().stream().filter(c -> !old.contains(c.object())).mapToLong(Entry.Chunk::size).sum();
    }

    /**
     * The point of cutting dumps into content-defined pieces: a 1% change of a database of a few MB
     * stores well under the whole (uncompressed) dump, encrypted too (pieces are reused by their
     * plain hash), and the backup restores with every row.
     */
    @Test
    void aOnePercentChangeStoresOnlyThePiecesAroundIt() throws Exception {
        for (CodecSettings codec : List.of(CodecSettings.zstd(3), encrypted())) {
            String db = copyOf("cdc");
            try (LocalObjectStore store = new LocalObjectStore(tmp.resolve("target-" + db))) {
                Repository repo = open(store, "scratch-" + db);
                Entry dump = entry(repo, backup(repo, db, codec).backupId(), MAIN_DUMP);
                changeOnePercent(db, "edited", false);
                RepoBackupRunner.Result changed = backup(repo, db, codec);
                Entry after = entry(repo, changed.backupId(), MAIN_DUMP);
                assertNotEquals(dump.sha256(), after.sha256());
                long fresh = newBytes(dump, after);
                double share = (double) fresh / after.size();
                System.out.printf("MEASURE %s: 1%% change: %,d of %,d dump bytes new (%.1f%%) in %d of %d pieces; %,d bytes written%n",
                        codec.encryption() == null ? "zstd" : "zstd+pgp", fresh, after.size(), 100 * share,
                        after.chunks().stream().filter(c -> !dump.objects().contains(c.object())).count(), after.chunks().size(),
                        changed.bytesWritten());
                assertTrue(share < 0.60, "a 1% change stores under 60% of the dump, not " + share);
                assertTrue(after.size() > 1_000_000, "a database of a few MB: " + after.size());

                RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), keys(), true));
                assertTrue(v.ok(), v.problems().toString());
                String into = fresh("after_change");
                restore(repo, changed.backupId(), into);
                assertEquals(counts(db), counts(into));
            }
        }
    }

    /**
     * FORMAT.md's way to rebuild a dump by hand, with bash, jq, sha256sum and zstd only: the
     * entries decoded from the head's chunks, then each pg-dump entry's pieces decoded in order and
     * concatenated; the result has the entry's SHA-256 (sha256sum -c says so) and restores.
     */
    @Test
    void aDumpRebuildsByHandFromItsPiecesWithStockTools() throws Exception {
        String db = copyOf("byhand");
        Path root = tmp.resolve("target");
        try (LocalObjectStore store = new LocalObjectStore(root)) {
            Repository repo = open(store, "scratch");
            backup(repo, db, CodecSettings.zstd(3));
            changeOnePercent(db, "by hand", false);
            String id = backup(repo, db, CodecSettings.zstd(3)).backupId();
            Entry dump = entry(repo, id, MAIN_DUMP);
            Path work = Files.createDirectories(tmp.resolve("by-hand"));
            String script = String.join("\n",
                    "set -euo pipefail",
                    "R='" + root.resolve("open-webui") + "'; ID='" + id + "'",
                    "jq -r '.chunks[].object' $R/backups/$ID.json | while read o; do",
                    "  f=\"$R/objects/${o:0:2}/$o\"; echo \"$o  $f\" | sha256sum -c --quiet -",
                    "  zstd -dc \"$f\"",
                    "done > entries.jsonl",
                    // from here FORMAT.md's lines, as printed there
                    "jq -c 'select(.type==\"pg-dump\")' entries.jsonl | while read -r e; do",
                    "  p=$(jq -r '.path | ltrimstr(\"_outside-data-dir/postgres/\")' <<<\"$e\"); mkdir -p \"dumps/$(dirname \"$p\")\"",
                    "  jq -r '.chunks[].object' <<<\"$e\" | while read -r o; do",
                    "    f=\"$R/objects/${o:0:2}/$o\"; echo \"$o  $f\" | sha256sum -c --quiet - || exit 1",
                    "    case $(jq -r .storage <<<\"$e\") in plain) cat \"$f\";; zstd) zstd -dc \"$f\";; pgp) gpg -d \"$f\";; zstd+pgp) gpg -d \"$f\" | zstd -dc;; esac",
                    "  done > \"dumps/$p\"",
                    "  echo \"$(jq -r .sha256 <<<\"$e\")  dumps/$p\" | sha256sum -c -",
                    "done", "");
            Process p = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("dumps/openwebui.dump: OK"), out);
            Path rebuilt = work.resolve("dumps/openwebui.dump");
            assertEquals(dump.size(), Files.size(rebuilt));
            assertEquals(dump.sha256(), dev.owui.backup.store.Hashing.sha256(rebuilt).sha256());
            String into = fresh("by_hand");
            PgRestore.Result r = new PgRestore(PgTools.onPath()).restore(pg.appUrl(into), rebuilt, PgRestore.Options.defaults());
            assertEquals(counts(db), counts(into), "pg_restore of the rebuilt dump: " + r.database());
        }
    }

    /**
     * Not an assertion: what an unchanged database and a 1% change cost in dump bytes, for the
     * decision on content-defined chunking of dumps (and its sizes). Printed to the test's output.
     */
    @Test
    void measureWhatAChangeCosts() throws Exception {
        String db = copyOf("measure");
        try (LocalObjectStore store = new LocalObjectStore(tmp.resolve("target"))) {
            Repository repo = open(store, "scratch");
            List<String> lines = new ArrayList<>();
            for (CodecSettings codec : List.of(CodecSettings.zstd(3), encrypted())) {
                RepoBackupRunner.Result first = backup(repo, db, codec);
                Entry dump = entry(repo, first.backupId(), MAIN_DUMP);
                RepoBackupRunner.Result same = backup(repo, db, codec);
                int messages = changeOnePercent(db, "edited " + codec.encryption(), false);
                RepoBackupRunner.Result changed = backup(repo, db, codec);
                Entry after = entry(repo, changed.backupId(), MAIN_DUMP);
                long stored = dump.chunks().stream().mapToLong(Entry.Chunk::storedSize).sum();
                java.util.Set<String> old = new java.util.HashSet<>(dump.objects());
                long freshStored = after.chunks().stream().filter(c -> !old.contains(c.object())).mapToLong(Entry.Chunk::storedSize).sum();
                lines.add(String.format("%s: database %,d bytes (pg_database_size), dump %,d bytes (uncompressed) in %d pieces stored as %,d;"
                                + " unchanged: %,d bytes written (%d objects); %d messages (1%%) and 1%% of chats changed:"
                                + " %,d bytes written (%d objects), new pieces %,d plain bytes (%.0f%% of the dump), %,d stored"
                                + " (%.0f%% of the stored dump, %.1f%% of the database)",
                        codec.encryption() == null ? "zstd" : "zstd+pgp", databaseSize(db), dump.size(), dump.chunks().size(), stored,
                        same.bytesWritten(), same.objectsWritten(), messages, changed.bytesWritten(), changed.objectsWritten(),
                        newBytes(dump, after), 100.0 * newBytes(dump, after) / after.size(), freshStored,
                        100.0 * freshStored / stored, 100.0 * freshStored / databaseSize(db)));
            }
            // pg_dump's directory format: one file per table, each cut into pieces the same way
            PgSource dir = PgSource.of(pg.appUrl(db)).directory(2);
            RepoBackupRunner.Options o = new RepoBackupRunner.Options(data, "open-webui", null, null, CodecSettings.zstd(3), keys(), false,
                    tmp.resolve("staging"), null, 2, dir);
            RepoBackupRunner.Result first = new RepoBackupRunner(log).run(repo, o);
            List<Entry> was = dumpEntries(repo, first.backupId());
            long dumpStored = was.stream().mapToLong(e -> e.chunks().stream().mapToLong(Entry.Chunk::storedSize).sum()).sum();
            changeOnePercent(db, "again", true);
            RepoBackupRunner.Result changed = new RepoBackupRunner(log).run(repo, o);
            java.util.Set<String> old = new java.util.HashSet<>();
            was.forEach(e -> old.addAll(e.objects()));
            List<Entry> now = dumpEntries(repo, changed.backupId());
            long fresh = now.stream().flatMap(e -> e.chunks().stream()).filter(c -> !old.contains(c.object()))
                    .mapToLong(Entry.Chunk::storedSize).sum();
            lines.add(String.format("directory format (zstd): dump %,d bytes stored in %d files; 1%% changed: %,d bytes of new pieces"
                            + " (%.0f%% of the stored dump), %,d bytes written in all",
                    dumpStored, now.size(), fresh, 100.0 * fresh / dumpStored, changed.bytesWritten()));

            // the chunk sizes, on the same two uncompressed dumps
            String sizes = copyOf("sizes");
            PgCapture capture = new PgCapture(PgTools.onPath());
            Path a = tmp.resolve("a.dump");
            Path b = tmp.resolve("b.dump");
            capture.capture(pg.appUrl(sizes), a, PgCapture.Options.defaults());
            changeOnePercent(sizes, "sized", false);
            capture.capture(pg.appUrl(sizes), b, PgCapture.Options.defaults());
            for (int k : new int[] {1, 2, 4, 8}) {
                java.util.Set<String> before = new java.util.HashSet<>();
                for (byte[] p : pieces(a, k)) {
                    before.add(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(p)));
                }
                long freshBytes = 0;
                long freshZstd = 0;
                long allZstd = 0;
                List<byte[]> ps = pieces(b, k);
                for (byte[] p : ps) {
                    long z = com.github.luben.zstd.Zstd.compress(p, 3).length;
                    allZstd += z;
                    if (!before.contains(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(p)))) {
                        freshBytes += p.length;
                        freshZstd += z;
                    }
                }
                lines.add(String.format("pieces of %d/%d/%d KiB: %d pieces (%,d bytes as zstd -3), %,d of %,d bytes new after the 1%% change"
                                + " (%.1f%%), %,d as zstd -3",
                        k, 4 * k, 16 * k, ps.size(), allZstd, freshBytes, Files.size(b), 100.0 * freshBytes / Files.size(b), freshZstd));
            }
            lines.forEach(l -> System.out.println("MEASURE " + l));
        }
    }

    private static List<byte[]> pieces(Path dump, int k) throws java.io.IOException {
        List<byte[]> out = new ArrayList<>();
        try (java.io.InputStream in = Files.newInputStream(dump)) {
            dev.owui.backup.repo.chunks.GearChunker c = new dev.owui.backup.repo.chunks.GearChunker(in, k << 10, 4 * k << 10, 16 * k << 10);
            for (byte[] p; (p = c.next()) != null; ) {
                out.add(p);
            }
        }
        return out;
    }
}
