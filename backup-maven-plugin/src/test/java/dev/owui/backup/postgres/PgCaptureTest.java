package dev.owui.backup.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PgCapture against a real PostgreSQL (Debian's server, a throwaway cluster). */
class PgCaptureTest {
    static PostgresServer server;

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

    /** A new database owned by the application role, filled by the generator. */
    private static PgCapture capture() {
        return new PgCapture(PgTools.onPath());
    }

    @Test
    void factsAreReadInTheDumpsSnapshot(@TempDir Path tmp) throws Exception {
        PgOpenWebUi.Summary sum = PgOpenWebUi.createDatabase(server, "facts", 20);
        try (Connection c = server.connect("facts"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO file (id, user_id, filename, path, created_at, updated_at)"
                    + " VALUES ('ext', 'u', 'a.pdf', 's3://bucket/uploads/ext_a.pdf', 1, 1), ('pasted', 'u', 'p', NULL, 1, 1)");
        }
        PgCapture.Result r = capture().capture(server.appUrl("facts"), tmp.resolve("facts.dump"), PgCapture.Options.defaults());
        DatabaseFacts f = r.facts();
        assertEquals(PgOpenWebUi.REVISION, f.schemaRevision());
        assertEquals(Map.of("users", 3L, "chats", 20L, "messages", 80L, "files", 7L, "knowledge", 1L), f.counts());
        assertEquals(Set(sum.uploadPaths()), Set(f.uploadRows().toList()));
        assertEquals(List.of("s3://bucket/uploads/ext_a.pdf"), f.externalFiles());
        assertEquals(server.major(), r.serverMajor());
        assertTrue(r.normalized());
        assertTrue(Files.size(r.dump()) > 1000);
    }

    /** Open WebUI with DATABASE_SCHEMA keeps its tables in that schema: the facts are read there. */
    @Test
    void factsAreReadInOpenWebUisSchema(@TempDir Path tmp) throws Exception {
        try (Connection c = server.connectSuper("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE inschema OWNER " + PostgresServer.APP_ROLE);
        }
        try (Connection c = server.connect("inschema")) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA webui");
                st.execute("SET search_path = webui");
            }
            PgOpenWebUi.create(c, 7, 2, 3, 2, 1);
        }
        DatabaseUrl url = server.appUrl("inschema");
        PgCapture.Result plain = capture().capture(url, tmp.resolve("a.dump"), PgCapture.Options.defaults());
        assertEquals(Map.of(), plain.facts().counts(), "public holds no Open WebUI table");
        PgCapture.Result in = capture().capture(url, tmp.resolve("b.dump"), PgCapture.Options.defaults().inSchema("webui"));
        assertEquals(Map.of("users", 2L, "chats", 3L, "messages", 6L, "files", 1L, "knowledge", 1L), in.facts().counts());
        assertEquals(PgOpenWebUi.REVISION, in.facts().schemaRevision());
        PgRestore.Result r = new PgRestore(PgTools.onPath()).restore(server.appUrl("inschema_restored"), in.dump(),
                PgRestore.Options.defaults().inSchema("webui"));
        assertEquals(in.facts().counts(), r.facts().counts());
    }

    /**
     * A password with the characters that need care: ':' and '\\' (escaped in the password file),
     * '@' '/' '%' (percent-encoded in the URL), a quote. Both JDBC and pg_dump get it right.
     */
    @Test
    void passwordWithSpecialCharactersReachesBothJdbcAndPgDump(@TempDir Path tmp) throws Exception {
        String password = "a:b\\c@d/e%f'g h";
        try (Connection c = server.connectSuper("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE tricky LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            st.execute("CREATE DATABASE tricky OWNER tricky");
        }
        String encoded = java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        DatabaseUrl url = DatabaseUrl.parse("postgresql://tricky:" + encoded + "@127.0.0.1:" + server.port() + "/tricky", "test");
        PgCapture.Result r = capture().capture(url, tmp.resolve("t.dump"), PgCapture.Options.defaults());
        assertTrue(Files.size(r.dump()) > 0);
    }

    /** A separate pgvector database (stand-in layout): captured and restored like the main one. */
    @Test
    void separatePgvectorDatabaseIsCapturedAndRestored(@TempDir Path tmp) throws Exception {
        try (Connection c = server.connectSuper("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE vectors OWNER " + PostgresServer.APP_ROLE);
        }
        int chunks;
        try (Connection c = server.connect("vectors")) {
            chunks = PgOpenWebUi.createPgvectorStandIn(c, 3, 4, 25, 384);
        }
        PgCapture.Result r = capture().capture(server.appUrl("vectors"), tmp.resolve("v.dump"), PgCapture.Options.defaults());
        assertEquals(Map.of(), r.facts().counts(), "no Open WebUI tables in a vector database");
        new PgRestore(PgTools.onPath()).restore(server.appUrl("vectors_restored"), r.dump(), PgRestore.Options.defaults());
        try (Connection c = server.connect("vectors_restored"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), min(array_length(vector, 1)) FROM document_chunk")) {
            rs.next();
            assertEquals(chunks, rs.getInt(1));
            assertEquals(384, rs.getInt(2));
        }
    }

    private static java.util.Set<String> Set(List<String> l) {
        return new java.util.TreeSet<>(l);
    }

    /**
     * pg_dump writes its start time into the archive header, so two dumps of an unchanged database
     * differ (measured: byte 18, the seconds, and so every other field of the time in time). The
     * capture fixes it: dumps of an unchanged database are byte-identical, in both formats; a change
     * still changes the dump.
     */
    @Test
    void unchangedDatabaseGivesByteIdenticalDumps(@TempDir Path tmp) throws Exception {
        PgOpenWebUi.createDatabase(server, "same", 30);
        DatabaseUrl url = server.appUrl("same");
        PgCapture.Result a = capture().capture(url, tmp.resolve("a.dump"), PgCapture.Options.defaults());
        PgCapture.Result d1 = capture().capture(url, tmp.resolve("d1"), PgCapture.Options.defaults().directory(2));
        Thread.sleep(1100); // a later second: without the fix, the headers differ
        PgCapture.Result b = capture().capture(url, tmp.resolve("b.dump"), PgCapture.Options.defaults());
        PgCapture.Result d2 = capture().capture(url, tmp.resolve("d2"), PgCapture.Options.defaults().directory(2));
        assertEquals(-1L, Files.mismatch(a.dump(), b.dump()), "custom format: unchanged database, identical dump");
        List<String> names = names(d1.dump());
        assertEquals(names, names(d2.dump()));
        assertTrue(names.contains("toc.dat"));
        for (String n : names) {
            assertEquals(-1L, Files.mismatch(d1.dump().resolve(n), d2.dump().resolve(n)), "directory format: " + n);
        }

        try (Connection c = server.connect("same"); Statement st = c.createStatement()) {
            st.execute("UPDATE chat SET title = 'renamed' WHERE id = (SELECT min(id) FROM chat)");
        }
        PgCapture.Result changed = capture().capture(url, tmp.resolve("c.dump"), PgCapture.Options.defaults());
        assertNotEquals(-1L, Files.mismatch(a.dump(), changed.dump()), "a change must change the dump");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A writer commits numbered messages one by one while the capture runs. Commits from one
     * session become visible in order, so the snapshot sees exactly the first K of them: the
     * restore holds 1..K without a gap, every row committed before the capture started (K at
     * least that many), none committed after the snapshot was exported (K at most one more than
     * were committed then: the one in flight), while the writer went on committing during the dump.
     */
    @Test
    void captureUnderConcurrentWritesHoldsExactlyTheSnapshot(@TempDir Path tmp) throws Exception {
        PgOpenWebUi.createDatabase(server, "busy", 150);
        String chatId;
        try (Connection c = server.connect("busy"); Statement st = c.createStatement(); ResultSet r = st.executeQuery("SELECT min(id) FROM chat")) {
            r.next();
            chatId = r.getString(1);
        }
        AtomicInteger committed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (Connection c = server.connect("busy", "open-webui");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO chat_message (id, chat_id, role, content, created_at)"
                         + " VALUES (?, ?, 'user', 'concurrent', ?)")) {
                for (int n = 1; !stop.get(); n++) {
                    ins.setString(1, String.format("w-%07d", n));
                    ins.setString(2, chatId);
                    ins.setLong(3, n);
                    ins.executeUpdate(); // autocommit: returns once committed
                    committed.set(n);
                }
            } catch (Throwable t) {
                writerError.set(t);
            }
        }, "writer");
        writer.start();
        while (committed.get() < 200) {
            Thread.sleep(5);
        }
        int beforeCapture = committed.get();
        AtomicInteger atSnapshot = new AtomicInteger();
        PgCapture.Result r = capture().capture(server.appUrl("busy"), tmp.resolve("busy.dump"),
                PgCapture.Options.defaults().onSnapshot(id -> atSnapshot.set(committed.get())));
        int afterCapture = committed.get();
        Thread.sleep(50);
        stop.set(true);
        writer.join(10_000);
        assertEquals(null, writerError.get());

        PgRestore.Result restored = new PgRestore(PgTools.onPath()).restore(server.appUrl("busy_restored"), r.dump(), PgRestore.Options.defaults());
        List<Integer> ids = new ArrayList<>();
        try (Connection c = server.connect("busy_restored"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM chat_message WHERE id LIKE 'w-%' ORDER BY id")) {
            while (rs.next()) {
                ids.add(Integer.parseInt(rs.getString(1).substring(2)));
            }
        }
        int k = ids.size();
        for (int i = 0; i < k; i++) {
            assertEquals(i + 1, ids.get(i), "the restored rows are a prefix of the commits, without a gap");
        }
        assertTrue(k >= beforeCapture, "every row committed before the capture is present: " + k + " < " + beforeCapture);
        assertTrue(k <= atSnapshot.get() + 1, "no row committed after the snapshot: " + k + " > " + atSnapshot.get() + " + 1");
        assertTrue(afterCapture > atSnapshot.get() + 1, "the writer kept committing while pg_dump ran (" + atSnapshot.get() + " → " + afterCapture + ")");
        // The facts describe the dump, not the database a moment later.
        assertEquals(600L + k, r.facts().counts().get("messages"));
        assertEquals(r.facts().counts(), restored.facts().counts());
    }

    @Test
    void wrongPasswordIsAClearErrorWithoutThePassword(@TempDir Path tmp) throws Exception {
        String wrong = "wrong-Pa55word-xyz";
        DatabaseUrl url = server.appUrl(PostgresServer.APP_DATABASE).withPassword(wrong);
        OwuiException e = assertThrows(OwuiException.class, () -> capture().capture(url, tmp.resolve("x.dump"), PgCapture.Options.defaults()));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
        assertTrue(e.getMessage().contains(PostgresServer.APP_ROLE), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(server.appPassword()), e.getMessage());
        assertEquals(null, e.getCause(), "the driver's exception is not carried along (its text may quote the properties)");
        assertFalse(Files.exists(tmp.resolve("x.dump")));
    }

    /**
     * A pg_dump older than the server (the usual form of "the right client is missing": Debian's
     * default client on a host whose server is newer), stood in for by a script on the PATH that
     * reports 9.6: the capture refuses before dumping and names the package to install.
     */
    @Test
    void pgDumpOlderThanServer_standInForMissingClient_namesPackageToInstall(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgCapture old = new PgCapture(PgTools.onPath(bin + ":" + System.getenv("PATH")));
        OwuiException e = assertThrows(OwuiException.class,
                () -> old.capture(server.appUrl(PostgresServer.APP_DATABASE), tmp.resolve("x.dump"), PgCapture.Options.defaults()));
        assertTrue(e.getMessage().contains("pg_dump 9 (" + fake + ") is older than the PostgreSQL " + server.major()), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install postgresql-client-" + server.major()), e.getMessage());

        OwuiException missing = assertThrows(OwuiException.class,
                () -> new PgCapture(PgTools.onPath(tmp.resolve("empty").toString()))
                        .capture(server.appUrl(PostgresServer.APP_DATABASE), tmp.resolve("y.dump"), PgCapture.Options.defaults()));
        assertTrue(missing.getMessage().contains("pg_dump is not on the PATH"), missing.getMessage());
        assertTrue(missing.getMessage().contains("postgresql-client-" + server.major()), missing.getMessage());
    }

    /**
     * The password reaches pg_dump through a private password file only: a wrapper on the PATH
     * records pg_dump's argv, environment and the file's mode, then runs the real pg_dump.
     */
    @Test
    void passwordReachesPgDumpThroughAPrivatePassfileOnly(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path real = PgTools.onPath().locate("pg_dump", 0);
        Path wrapper = bin.resolve("pg_dump");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "if [ \"$1\" = --version ]; then exec " + real + " --version; fi\n"
                + "printf '%s\\n' \"$@\" > " + tmp.resolve("argv") + "\n"
                + "env > " + tmp.resolve("env") + "\n"
                + "stat -c %a \"$PGPASSFILE\" > " + tmp.resolve("mode") + "\n"
                + "cat \"$PGPASSFILE\" > " + tmp.resolve("passfile") + "\n"
                + "exec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgCapture.Result r = new PgCapture(PgTools.onPath(bin + ":" + System.getenv("PATH")))
                .capture(server.appUrl(PostgresServer.APP_DATABASE), tmp.resolve("p.dump"), PgCapture.Options.defaults());
        assertTrue(Files.size(r.dump()) > 0);
        String pw = server.appPassword();
        assertFalse(Files.readString(tmp.resolve("argv")).contains(pw), "argv");
        String env = Files.readString(tmp.resolve("env"));
        assertFalse(env.contains(pw), "environment");
        assertFalse(env.contains("PGPASSWORD"), "environment");
        assertEquals("600", Files.readString(tmp.resolve("mode")).strip());
        assertTrue(Files.readString(tmp.resolve("passfile")).contains(pw), "the password file is what carried it");
        String passfile = env.lines().filter(l -> l.startsWith("PGPASSFILE=")).findFirst().orElseThrow().substring(11);
        assertFalse(Files.exists(Path.of(passfile)), "the password file is deleted when pg_dump ends");
    }
}
