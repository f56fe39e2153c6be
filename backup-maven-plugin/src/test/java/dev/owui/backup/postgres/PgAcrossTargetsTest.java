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
        PgOpenWebUi.Summary sum = PgCaptureTest.database(pg, DB, 2000);
        data = shared.resolve("data");
        for (String upload : sum.uploadPaths()) {
            Path f = data.resolve(upload);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "the bytes of " + upload);
        }
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
            assertTrue(objects(dst).containsKey(dump.object()));
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
            String shared = entry(repo, a.backupId(), MAIN_DUMP).object();
            assertEquals(shared, entry(repo, b.backupId(), MAIN_DUMP).object());

            MixedPruner.Outcome o = keepLast1(root, store, b.backupId());
            assertEquals(List.of(a.backupId()), o.repo().forgotten());
            assertEquals(List.of(b.backupId()), repo.backups().list());
            assertTrue(objects(repo).containsKey(shared), "b still names the dump object: kept");

            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE chat SET title = 'changed' WHERE id = (SELECT min(id) FROM chat)");
            }
            RepoBackupRunner.Result cb = backup(repo, db, encrypted());
            String changed = entry(repo, cb.backupId(), MAIN_DUMP).object();
            assertNotEquals(shared, changed);
            keepLast1(root, store, cb.backupId());
            assertEquals(List.of(cb.backupId()), repo.backups().list());
            Map<String, Long> left = objects(repo);
            assertFalse(left.containsKey(shared), "no backup names the old dump: swept");
            assertTrue(left.containsKey(changed));
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
     * A byte flipped in a stored dump object: verify finds and records it, the next backup of the
     * unchanged database does not reuse it but stores the dump anew (a zstd object at its own name,
     * repairing it; an encrypted one under a new name), and then verify and restore are sound.
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
            Path file = root.resolve("open-webui").resolve(ObjectNames.relativeKey(dump.object()));
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x40;
            Files.write(file, bytes);

            RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), keys(), true));
            assertFalse(v.ok());
            assertTrue(v.problems().stream().anyMatch(p -> p.damage() && MAIN_DUMP.equals(p.path()) && dump.object().equals(p.object())),
                    v.problems().toString());
            assertTrue(repo.damage().damagedNames().contains(dump.object()), "recorded");

            RepoBackupRunner.Result second = backup(repo, DB, codec);
            Entry again = entry(repo, second.backupId(), MAIN_DUMP);
            assertEquals(dump.sha256(), again.sha256(), "the same dump (the database did not change)");
            assertEquals(sameName, dump.object().equals(again.object()), "zstd: repaired at its name; encrypted: a new object");
            assertTrue(second.objectsWritten() >= 1, "the dump is stored anew, never the damaged object reused");

            RepoVerify.Result after = new RepoVerify(repo).run(new RepoVerify.Options(second.backupId(), ReadData.all(), keys(), true));
            assertTrue(after.ok(), after.problems().toString());
            String into = fresh("after_damage");
            restore(repo, second.backupId(), into);
            assertEquals(counts(DB), counts(into));
        }
    }

    /**
     * Not an assertion: what an unchanged database and a 1% change cost in dump bytes, for the
     * decision on content-defined chunking of dumps. Printed to the test's output.
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
                int messages;
                try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                    // 1% of the messages (and their chats' JSON), as a day of edits would
                    messages = s.executeUpdate("UPDATE chat_message SET content = content || ' (edited)' WHERE id IN"
                            + " (SELECT id FROM chat_message ORDER BY id LIMIT (SELECT count(*) / 100 FROM chat_message))");
                    s.executeUpdate("UPDATE chat SET title = title || ' (edited)' WHERE id IN"
                            + " (SELECT id FROM chat ORDER BY id LIMIT (SELECT count(*) / 100 FROM chat))");
                }
                RepoBackupRunner.Result changed = backup(repo, db, codec);
                Entry after = entry(repo, changed.backupId(), MAIN_DUMP);
                lines.add(String.format("%s: database %,d bytes (pg_database_size), dump %,d bytes stored as %,d;"
                                + " unchanged: %,d bytes written (%d objects); %d messages (1%%) and 1%% of chats changed:"
                                + " %,d bytes written (%d objects), the dump object %,d bytes (%.0f%% of the stored dump, %.1f%% of the database)",
                        codec.encryption() == null ? "zstd" : "zstd+pgp", databaseSize(db), dump.size(), dump.storedSize(),
                        same.bytesWritten(), same.objectsWritten(), messages, changed.bytesWritten(), changed.objectsWritten(),
                        after.storedSize(), 100.0 * after.storedSize() / dump.storedSize(), 100.0 * after.storedSize() / databaseSize(db)));
            }
            // pg_dump's directory format: one file per table, so only the changed tables' files are new
            PgSource dir = PgSource.of(pg.appUrl(db)).directory(2);
            RepoBackupRunner.Options o = new RepoBackupRunner.Options(data, "open-webui", null, null, CodecSettings.zstd(3), keys(), false,
                    tmp.resolve("staging"), null, 2, dir);
            RepoBackupRunner.Result first = new RepoBackupRunner(log).run(repo, o);
            long dumpStored = dumpEntries(repo, first.backupId()).stream().mapToLong(Entry::storedSize).sum();
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE chat_message SET content = content || ' (again)' WHERE id IN"
                        + " (SELECT id FROM chat_message ORDER BY id DESC LIMIT (SELECT count(*) / 100 FROM chat_message))");
                s.executeUpdate("UPDATE chat SET title = title || ' (again)' WHERE id IN"
                        + " (SELECT id FROM chat ORDER BY id DESC LIMIT (SELECT count(*) / 100 FROM chat))");
            }
            RepoBackupRunner.Result changed = new RepoBackupRunner(log).run(repo, o);
            java.util.Set<String> old = new java.util.HashSet<>();
            dumpEntries(repo, first.backupId()).forEach(e -> old.add(e.object()));
            List<Entry> now = dumpEntries(repo, changed.backupId());
            long fresh = now.stream().filter(e -> !old.contains(e.object())).mapToLong(Entry::storedSize).sum();
            lines.add(String.format("directory format (zstd): dump %,d bytes stored in %d files; 1%% changed: %d new files, %,d bytes"
                            + " (%.0f%% of the stored dump), %,d bytes written in all",
                    dumpStored, now.size(), now.stream().filter(e -> !old.contains(e.object())).count(), fresh,
                    100.0 * fresh / dumpStored, changed.bytesWritten()));
            lines.forEach(l -> System.out.println("MEASURE " + l));
        }
    }
}
