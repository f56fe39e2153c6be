package dev.owui.backup.capture;

import static dev.owui.backup.TestSupport.queryLong;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.LiveInstance;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A backup never changes its source: not webui.db, not its -wal, and it leaves no -shm behind. */
class SourceSafetyTest {
    @TempDir
    Path tmp;

    /**
     * A stopped (killed) instance: webui.db-wal holds a commit that webui.db does not, and no
     * process has the database open. The directory is what SIGKILL leaves, made by copying a
     * live instance's files while its connection is idle; "no-shm" is the same without -shm,
     * "clean" a database closed properly (no -wal, no -shm).
     */
    @ParameterizedTest
    @ValueSource(strings = {"wal-and-shm", "no-shm", "clean"})
    void aBackupOfAStoppedInstanceLeavesEveryFileOfTheDataDirectoryAsItWas(String layout) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("live")).build();
        Path data = tmp.resolve("data");
        String walOnly;
        try (LiveInstance live = f.openLive()) {
            walOnly = live.walOnlyChatTitle();
            TestSupport.sh("cp", "-a", f.dataDir().toString(), data.toString());
        }
        if (layout.equals("clean")) {
            TestSupport.sh("rm", "-r", data.toString());
            TestSupport.sh("cp", "-a", f.dataDir().toString(), data.toString()); // closed: the chat is checkpointed in
            assertFalse(Files.exists(data.resolve("webui.db-wal")));
        } else {
            assertEquals(0, queryLong(data.resolve("webui.db"), "SELECT count(*) FROM chat WHERE title = '" + walOnly + "'"),
                    "the chat is in the -wal only");
            assertTrue(Files.size(data.resolve("webui.db-wal")) > 0);
            if (layout.equals("no-shm")) {
                Files.delete(data.resolve("webui.db-shm"));
            }
        }
        Map<String, String> before = state(data);

        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest m = TestSupport.backup(data, target).manifest();

        assertEquals(Map.of(), differences(before, state(data)), "every file and directory of the data directory is as it was");
        Path db = target.root().resolve("test").resolve(m.backupId()).resolve("webui.db");
        assertEquals(1, queryLong(db, "SELECT count(*) FROM chat WHERE title = '" + walOnly + "'"), "the -wal's commit is in the backup");
        assertTrue(dev.owui.backup.instance.SqliteCapture.quickCheck(db).isEmpty());
    }

    /**
     * A running instance (here the sqlite3 CLI, another process) holds webui.db open: the backup
     * reads through it and sees its -wal, and neither webui.db nor the -wal changes.
     */
    @Test
    void aBackupWhileAnotherProcessHoldsTheDatabaseChangesNeitherTheDatabaseNorItsWal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sqlite3")), "needs the sqlite3 CLI (Debian package sqlite3; .ci/run installs it)");
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Process cli = new ProcessBuilder("sqlite3", f.webuiDb().toString()).redirectErrorStream(true).start();
        try (OutputStream in = cli.getOutputStream()) {
            in.write(("PRAGMA wal_autocheckpoint=0;\nUPDATE chat SET title = 'held-by-cli' WHERE rowid = (SELECT min(rowid) FROM chat);\n"
                    + "SELECT 'ready';\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            byte[] buf = new byte[64];
            String out = "";
            while (!out.contains("ready")) {
                int n = cli.getInputStream().read(buf);
                assertTrue(n > 0, "sqlite3 answered: " + out);
                out += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            String db = sha256(f.webuiDb());
            String wal = sha256(f.dataDir().resolve("webui.db-wal"));

            LocalTarget target = TestSupport.target(tmp.resolve("backups"));
            Manifest m = TestSupport.backup(f.dataDir(), target).manifest();

            assertEquals(db, sha256(f.webuiDb()), "webui.db unchanged");
            assertEquals(wal, sha256(f.dataDir().resolve("webui.db-wal")), "its -wal unchanged");
            Path copy = target.root().resolve("test").resolve(m.backupId()).resolve("webui.db");
            assertEquals(1, queryLong(copy, "SELECT count(*) FROM chat WHERE title = 'held-by-cli'"), "the holder's commit is in the backup");
        } finally {
            cli.destroyForcibly().waitFor();
        }
    }

    /**
     * A writer killed mid-transaction leaves a hot journal beside chroma.sqlite3 (rollback mode).
     * Any read-write connection would roll it back in place; the backup rolls it back in its
     * private copy instead and leaves both files as they are.
     */
    @Test
    void aHotJournalLeftByAKilledWriterIsRolledBackInTheCopyNotInTheSource() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sqlite3")), "needs the sqlite3 CLI (Debian package sqlite3; .ci/run installs it)");
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        long rows = queryLong(f.chromaDb(), "SELECT count(*) FROM embeddings");
        Process cli = new ProcessBuilder("sqlite3", f.chromaDb().toString()).redirectErrorStream(true).start();
        try (OutputStream in = cli.getOutputStream()) {
            // A one-page cache makes SQLite write changed pages into the database before the commit.
            in.write(("PRAGMA cache_size=1;\nBEGIN;\nCREATE TABLE ballast(b);\n"
                    + "INSERT INTO ballast SELECT randomblob(1000) FROM (WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM r WHERE i<2000) SELECT i FROM r);\n"
                    + "DELETE FROM embeddings;\nSELECT 'ready';\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            byte[] buf = new byte[64];
            String out = "";
            while (!out.contains("ready")) {
                int n = cli.getInputStream().read(buf);
                assertTrue(n > 0, "sqlite3 answered: " + out);
                out += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
        } finally {
            cli.destroyForcibly().waitFor(); // SIGKILL mid-transaction
        }
        Path journal = f.chromaDb().resolveSibling("chroma.sqlite3-journal");
        assertTrue(Files.size(journal) > 0, "a hot journal is left");
        Map<String, String> before = state(f.dataDir());

        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest m = TestSupport.backup(f.dataDir(), target).manifest();

        assertEquals(Map.of(), differences(before, state(f.dataDir())), "the source, its hot journal included, is as it was");
        Path copy = target.root().resolve("test").resolve(m.backupId()).resolve("vector_db/chroma.sqlite3");
        assertEquals(rows, queryLong(copy, "SELECT count(*) FROM embeddings"), "the killed transaction is rolled back in the backup");
        assertEquals(0, queryLong(copy, "SELECT count(*) FROM sqlite_master WHERE name = 'ballast'"));
    }

    /** What differs between two states: name → "before | after" (absent shown as null). */
    static Map<String, String> differences(Map<String, String> before, Map<String, String> after) {
        Map<String, String> out = new TreeMap<>();
        java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String n : names) {
            if (!java.util.Objects.equals(before.get(n), after.get(n))) {
                out.put(n, before.get(n) + " | " + after.get(n));
            }
        }
        return out;
    }

    /** Name → content hash and mtime of every file, and mtime of every directory (a file created and removed changes it). */
    static Map<String, String> state(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String rel = dir.relativize(p).toString();
                if (a.isRegularFile()) {
                    out.put(rel, sha256(p) + " " + a.size() + " " + a.lastModifiedTime());
                } else if (a.isDirectory()) {
                    out.put(rel + "/", a.lastModifiedTime().toString());
                } else if (a.isSymbolicLink()) {
                    out.put(rel, "-> " + Files.readSymbolicLink(p));
                }
            }
        }
        return out;
    }
}
