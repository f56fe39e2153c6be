package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.restore.ReadData;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 3 backups of an instance whose database is in PostgreSQL, against a real server: the
 * backup engine dumps it into the repository, restore and verify take it back out.
 */
class PgFormat3Test {
    static PostgresServer server;
    static final String MAIN_DUMP = Entry.PG_DUMPS + "openwebui.dump";

    @TempDir
    Path tmp;
    Path data;
    LocalObjectStore store;
    Repository repo;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final List<String> infos = new CopyOnWriteArrayList<>();
    final EngineLog log = new EngineLog() {
        @Override
        public void info(String line) {
            infos.add(line);
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }
    };

    @BeforeAll
    static void start() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** A database filled by the generator, and a data directory without webui.db holding its uploads. */
    private PgOpenWebUi.Summary instance(String db, int chats) throws Exception {
        PgOpenWebUi.Summary sum = PgOpenWebUi.createDatabase(server, db, chats);
        data = PgOpenWebUi.writeUploads(sum, tmp.resolve("data"));
        store = new LocalObjectStore(tmp.resolve("target"));
        repo = Repository.open(store, "open-webui", tmp.resolve("scratch"), log);
        return sum;
    }

    private RepoBackupRunner.Options options(PgSource source) {
        return new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false, tmp.resolve("staging")).withPostgres(source);
    }

    private RepoBackupRunner.Result backup(PgSource source) {
        return new RepoBackupRunner(log).run(repo, options(source));
    }

    private Entry entry(String backupId, String path) {
        try (EntryIterator it = repo.backups().entries(repo.backups().head(backupId), dev.owui.backup.codec.DecryptionKeys.none())) {
            while (it.hasNext()) {
                Entry e = it.next();
                if (e.path().equals(path)) {
                    return e;
                }
            }
        }
        return null;
    }

    private static Map<String, Long> counts(String db) throws SQLException {
        try (Connection c = server.connect(db)) {
            return PgFacts.read(c).counts();
        }
    }

    private static List<String> databases(String like) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connectSuper("postgres"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + like + "' ORDER BY 1")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private RepoRestore.Result restore(PgTarget target, Path dest) {
        return new RepoRestore(repo).run(new RepoRestore.Options(null, dest, null, null, null, 2).withPostgres(target));
    }

    @Test
    void roundTripAndAnUnchangedDatabaseStoresNothingNew() throws Exception {
        PgOpenWebUi.Summary sum = instance("rt", 12);
        RepoBackupRunner.Result first = backup(PgSource.of(server.appUrl("rt")));
        BackupHead head = first.head();
        assertEquals(PgOpenWebUi.REVISION, head.openWebUi().schemaRevision());
        assertEquals(counts("rt"), head.openWebUi().counts());
        assertEquals(List.of(), head.openWebUi().rowsWithoutFile(), "the file rows match uploads/");
        assertEquals(List.of(), head.openWebUi().filesWithoutRow());
        assertEquals(1, head.postgres().size());
        BackupHead.PgDump d = head.postgres().get(0);
        assertEquals("openwebui", d.role());
        assertEquals(MAIN_DUMP, d.path());
        assertEquals("custom", d.format());
        assertTrue(d.serverVersion().startsWith(server.major() + "."), d.serverVersion());
        assertEquals(server.major(), d.pgDumpMajor());
        assertTrue(d.normalized());
        assertFalse(Files.readString(tmp.resolve("target/open-webui/backups/" + first.backupId() + ".json")).contains(server.appPassword()),
                "no password in the head");
        Entry dump = entry(first.backupId(), MAIN_DUMP);
        assertEquals(Entry.PG_DUMP, dump.type());

        RepoBackupRunner.Result second = backup(PgSource.of(server.appUrl("rt")));
        assertEquals(0, second.objectsWritten(), "an unchanged database and data directory store nothing new");
        assertEquals(dump, entry(second.backupId(), MAIN_DUMP));
        assertEquals(second.files(), second.filesReused());

        try (Connection c = server.connect("rt"); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE chat SET title = 'changed' WHERE id = (SELECT min(id) FROM chat)");
        }
        RepoBackupRunner.Result third = backup(PgSource.of(server.appUrl("rt")));
        assertFalse(dump.sha256().equals(entry(third.backupId(), MAIN_DUMP).sha256()), "a changed database is a new dump");
        assertFalse(dump.objects().equals(entry(third.backupId(), MAIN_DUMP).objects()), "stored in new pieces (some)");

        Path dest = tmp.resolve("restored");
        RepoRestore.Result r = restore(PgTarget.into(server.appUrl("rt_restored")), dest);
        assertEquals(1, r.postgres().size());
        assertNull(r.postgres().get(0).renamedAside());
        assertNull(r.postgresDumps());
        assertEquals(counts("rt"), counts("rt_restored"));
        for (String upload : sum.uploadPaths()) {
            assertEquals("the bytes of " + upload, Files.readString(dest.resolve(upload)));
        }
        assertFalse(Files.exists(dest.resolve("_outside-data-dir")), "the dumps never land in the data directory");
        try (Connection c = server.connect("rt_restored"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM chat WHERE title = 'changed'")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "the newest backup was restored");
        }
    }

    /** pg_dump's directory format: one entry per file; an unchanged table's file is the same object. */
    @Test
    void directoryFormatRoundTrip() throws Exception {
        instance("dir", 8);
        PgSource source = PgSource.of(server.appUrl("dir")).directory(2);
        RepoBackupRunner.Result first = backup(source);
        assertEquals("directory", first.head().postgres().get(0).format());
        assertNotNull(entry(first.backupId(), MAIN_DUMP + "/toc.dat"));
        assertEquals(0, backup(source).objectsWritten());
        restore(PgTarget.into(server.appUrl("dir_restored")), tmp.resolve("restored"));
        assertEquals(counts("dir"), counts("dir_restored"));
    }

    @Test
    void aNonEmptyDatabaseIsRefusedAndWithForceRenamedAside() throws Exception {
        instance("force", 5);
        backup(PgSource.of(server.appUrl("force")));
        restore(PgTarget.into(server.appUrl("force_copy")), tmp.resolve("one"));

        Path two = tmp.resolve("two");
        OwuiException e = assertThrows(OwuiException.class, () -> restore(PgTarget.into(server.appUrl("force_copy")), two));
        assertTrue(e.getMessage().contains("already holds"), e.getMessage());
        assertTrue(e.remedy().contains("owui.force"), e.remedy());
        assertFalse(Files.exists(two), "nothing written into the data directory");

        RepoRestore.Result r = restore(PgTarget.into(server.appUrl("force_copy")).withForce(true), two);
        String aside = r.postgres().get(0).renamedAside();
        assertNotNull(aside);
        assertTrue(aside.startsWith("force_copy_before_"), aside);
        assertEquals(List.of("force_copy", aside), databases("force\\_copy%"), "renamed aside, never dropped");
        assertEquals(counts("force"), counts(aside));
        assertEquals(counts("force"), counts("force_copy"));
    }

    @Test
    void aRestoreIsRefusedWhileASessionIsConnected() throws Exception {
        instance("busy", 5);
        backup(PgSource.of(server.appUrl("busy")));
        try (Connection open = server.connect("busy", "open-webui")) {
            Path dest = tmp.resolve("restored");
            OwuiException e = assertThrows(OwuiException.class, () -> restore(PgTarget.into(server.appUrl("busy")).withForce(true), dest));
            assertTrue(e.getMessage().contains("other session(s) connected"), e.getMessage());
            assertTrue(e.getMessage().contains("open-webui"), e.getMessage());
            assertFalse(Files.exists(dest), "nothing written into the data directory");
        }
        assertEquals(List.of("busy"), databases("busy%"), "nothing renamed");
    }

    /** Without a database to restore into, the dumps are files beside the data directory, with the pg_restore line. */
    @Test
    void withoutATargetDatabaseTheDumpIsWrittenBesideTheDataDirectory() throws Exception {
        instance("files", 5);
        RepoBackupRunner.Result b = backup(PgSource.of(server.appUrl("files")));
        Path dest = tmp.resolve("restored");
        RepoRestore.Result r = restore(null, dest);
        Path dump = tmp.resolve("restored.postgres/openwebui.dump");
        assertEquals(tmp.resolve("restored.postgres"), r.postgresDumps());
        assertTrue(Files.isRegularFile(dump));
        assertEquals(entry(b.backupId(), MAIN_DUMP).sha256(), dev.owui.backup.store.Hashing.sha256(dump).sha256());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("pg_restore --no-owner") && w.contains(dump.toString())), warnings.toString());
        // the line works: pg_restore by hand into an empty database
        new PgRestore(PgTools.onPath()).restore(server.appUrl("files_by_hand"), dump, PgRestore.Options.defaults());
        assertEquals(counts("files"), counts("files_by_hand"));
        // a second restore to the same place refuses before any work
        OwuiException e = assertThrows(OwuiException.class, () -> restore(null, tmp.resolve("restored")));
        assertTrue(e.getMessage().contains("exists already") || e.getMessage().contains("not empty"), e.getMessage());
    }

    @Test
    void verifyRestoresIntoAScratchDatabase() throws Exception {
        instance("ver", 6);
        backup(PgSource.of(server.appUrl("ver")));
        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, false,
                PgTarget.into(server.appUrl("postgres"))));
        assertTrue(v.ok(), v.problems().toString());
        assertEquals(1, v.databasesChecked());
        assertEquals(List.of(), databases("owui\\_verify\\_%"), "the scratch database is dropped");

        RepoVerify.Result hashOnly = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, false));
        assertTrue(hashOnly.ok());
        assertTrue(hashOnly.warnings().stream().anyMatch(w -> w.contains("checked by their hash only")), hashOnly.warnings().toString());
    }

    @Test
    void aPgDumpOlderThanTheServerNamesThePackageAndWritesNoBackup() throws Exception {
        instance("old", 3);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgSource source = PgSource.of(server.appUrl("old")).withTools(PgTools.onPath(bin + ":" + System.getenv("PATH")));
        OwuiException e = assertThrows(OwuiException.class, () -> backup(source));
        assertTrue(e.getMessage().contains("is older than the PostgreSQL " + server.major()), e.getMessage());
        assertTrue(e.remedy().contains("apt-get install postgresql-client-" + server.major()), e.remedy());
        assertEquals(List.of(), repo.backups().list());
    }

    @Test
    void aDataDirectoryWithoutWebuiDbAndNoSourceSaysHowToNameTheDatabase() throws Exception {
        instance("nosource", 2);
        OwuiException e = assertThrows(OwuiException.class, () -> backup(null));
        assertTrue(e.getMessage().contains("has no webui.db"), e.getMessage());
        assertTrue(e.remedy().contains("owui.databaseUrl"), e.remedy());
        assertTrue(e.remedy().contains("owui.envFile"), e.remedy());
    }

    @Test
    void theStagedPathsAreRefusedBeforeAnyWork() {
        // A plan's several targets are no longer refused: each target gets a direct backup of its own (BackupGoal).
        PgSource source = PgSource.of(server.appUrl("any"));
        assertDoesNotThrow(() -> PgSource.requireDirect(source, BackupOptions.Mode.HOT, 3));
        assertDoesNotThrow(() -> PgSource.requireDirect(null, BackupOptions.Mode.COLD, 2));
        for (Runnable r : List.<Runnable>of(() -> PgSource.requireDirect(source, BackupOptions.Mode.COLD, 3),
                () -> PgSource.requireDirect(source, BackupOptions.Mode.PAUSED, 3),
                () -> PgSource.requireDirect(source, BackupOptions.Mode.HOT, 2))) {
            OwuiException e = assertThrows(OwuiException.class, r::run);
            assertTrue(e.getMessage().startsWith("PostgreSQL instances are backed up in format 3 in hot mode; "), e.getMessage());
            assertFalse(e.getMessage().contains(server.appPassword()));
        }
    }

    /** The writer's rows an exported snapshot sees, read on another session that imports it. */
    private static int committedIn(String snapshot) {
        try (Connection c = server.connect("writes")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM chat_message WHERE id LIKE 'w-%'")) {
                    r.next();
                    return r.getInt(1);
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A writer commits numbered rows while the backup runs; after a restore every row committed
     * before the dump's snapshot is there, and the rows are a prefix of the commits. The writer
     * records each row twice: {@code begun} before its INSERT is sent (it may be committed from
     * then on) and {@code committed} once the commit returned; so a row the snapshot holds has
     * always begun by the time the snapshot is exported, while its {@code committed} may still be
     * on its way (a bound read from it would be racy).
     */
    @Test
    void aBackupUnderConcurrentWritesHoldsEveryRowCommittedBeforeItsSnapshot() throws Exception {
        instance("writes", 100);
        String chatId;
        try (Connection c = server.connect("writes"); Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT min(id) FROM chat")) {
            r.next();
            chatId = r.getString(1);
        }
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger committed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = server.connect("writes", "open-webui");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO chat_message (id, chat_id, role, content, created_at)"
                         + " VALUES (?, ?, 'user', 'concurrent', ?)")) {
                for (int n = 1; !stop.get(); n++) {
                    ins.setString(1, String.format("w-%07d", n));
                    ins.setString(2, chatId);
                    ins.setLong(3, n);
                    begun.set(n); // before it is sent: from here on row n may be in a snapshot
                    ins.executeUpdate(); // autocommit: returns once committed
                    committed.set(n);
                }
            } catch (Throwable t) {
                writerError.set(t);
            }
        }, "writer");
        writer.start();
        try {
            while (committed.get() < 100) {
                Thread.sleep(5);
            }
            int beforeBackup = committed.get();
            AtomicInteger begunAtSnapshot = new AtomicInteger();
            AtomicInteger inSnapshot = new AtomicInteger(-1);
            RepoBackupRunner.Result b = backup(PgSource.of(server.appUrl("writes")).onSnapshot(id -> {
                begunAtSnapshot.set(begun.get()); // after the export: no row begun later is in the snapshot
                inSnapshot.set(committedIn(id)); // exactly what the snapshot holds, seen through it
            }));
            // Rows committed after the snapshot exist, so "none of them restored" is tested, not assumed.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (committed.get() <= begunAtSnapshot.get() && writerError.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            stop.set(true);
            writer.join(10_000);
            assertNull(writerError.get());

            restore(PgTarget.into(server.appUrl("writes_restored")), tmp.resolve("restored"));
            List<Integer> ids = new ArrayList<>();
            try (Connection c = server.connect("writes_restored"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id FROM chat_message WHERE id LIKE 'w-%' ORDER BY id")) {
                while (rs.next()) {
                    ids.add(Integer.parseInt(rs.getString(1).substring(2)));
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(i + 1, ids.get(i), "the restored rows are a prefix of the commits, without a gap");
            }
            assertEquals(inSnapshot.get(), ids.size(), "exactly the rows committed before the capture's snapshot");
            assertTrue(ids.size() >= beforeBackup, "every row committed before the backup started is present: " + ids.size() + " < " + beforeBackup);
            assertTrue(ids.size() <= begunAtSnapshot.get(), "none begun after the snapshot: " + ids.size() + " > " + begunAtSnapshot.get());
            assertTrue(committed.get() > ids.size(), "the writer kept committing after the snapshot");
            assertEquals(b.head().openWebUi().counts().get("messages"), counts("writes_restored").get("messages"),
                    "the head's facts describe the dump");
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
    }
}
