package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Restores a {@link PgCapture} dump with pg_restore, and verifies one in a scratch database.
 *
 * <p>A restore writes into an empty database only: one it creates, or an existing one holding no
 * tables (where the operator's role may not create databases, they create it empty). A database
 * that holds tables is refused unless {@code force}; then it is renamed aside
 * ({@code <name>_before_<UTC time>}) and a new one created with its owner, encoding and
 * collation: the old data stays on the server until the operator drops it. Nothing here drops an
 * operator's database. A restore is refused while other sessions are connected to the target
 * (Open WebUI still running would write into the restore, or keep the rename from happening),
 * naming each session.
 */
public final class PgRestore {

    /**
     * How to restore.
     *
     * @param force       rename a non-empty target aside instead of refusing
     * @param jobs        parallel pg_restore jobs (either format; more than 1 gives up the single transaction, which pg_restore cannot combine with them)
     * @param maintenance the database to connect to for CREATE/ALTER DATABASE ("postgres")
     * @param schema      Open WebUI's DATABASE_SCHEMA, where the facts are read (null: the default)
     */
    public record Options(boolean force, int jobs, String maintenance, Clock clock, String schema) {
        public static Options defaults() {
            return new Options(false, 1, "postgres", Clock.systemUTC(), null);
        }

        public Options withForce(boolean f) {
            return new Options(f, jobs, maintenance, clock, schema);
        }

        public Options withJobs(int j) {
            return new Options(force, Math.max(1, j), maintenance, clock, schema);
        }

        public Options withClock(Clock c) {
            return new Options(force, jobs, maintenance, c, schema);
        }

        public Options inSchema(String s) {
            return new Options(force, jobs, maintenance, clock, s);
        }
    }

    /**
     * A finished restore.
     *
     * @param database     the restored database
     * @param renamedAside the name the previous database has now, or null when there was none
     * @param facts        what the restored database says (revision, counts, file rows)
     * @param jobs         the jobs pg_restore ran with (1: in a single transaction)
     */
    public record Result(String database, String renamedAside, DatabaseFacts facts, int jobs) {
    }

    /** A verify: the facts of the scratch restore and how they differ from those recorded. */
    public record Verification(String scratchDatabase, DatabaseFacts facts, List<String> differences) {
        public boolean ok() {
            return differences.isEmpty();
        }
    }

    private final PgTools tools;

    public PgRestore(PgTools tools) {
        this.tools = tools;
    }

    /** Restores {@code dump} into {@code target}'s database (created when missing). */
    public Result restore(DatabaseUrl target, Path dump, Options options) {
        String db = target.database();
        String aside = null;
        int jobs;
        try (Connection admin = maintenance(target, options)) {
            int serverMajor = PgCapture.serverMajor(admin);
            Path pgRestore = tools.checkedTool("pg_restore", serverMajor, PgCapture.setting(admin, "server_version"));
            boolean exists = exists(admin, db);
            if (exists) {
                int tables = userTables(target);
                refuseSessions(admin, db);
                if (tables > 0) {
                    if (!options.force()) {
                        throw new OwuiException("database " + db + " on " + target.host() + ":" + target.port() + " already holds "
                                + tables + " tables; a restore writes into an empty database only",
                                "restore into a new database name, or set owui.force=true to rename " + db
                                        + " aside (to " + db + "_before_<time>) first; nothing is dropped");
                    }
                    aside = asideName(db, options.clock());
                    String create = createLike(admin, db);
                    exec(admin, "ALTER DATABASE " + ident(db) + " RENAME TO " + ident(aside));
                    exec(admin, create);
                }
            } else {
                exec(admin, "CREATE DATABASE " + ident(db) + " TEMPLATE template0");
            }
            jobs = runRestore(pgRestore, target, dump, options, aside);
        } catch (SQLException e) {
            throw sqlError(target, e, aside);
        }
        try (Connection c = PgCapture.connect(target)) {
            return new Result(db, aside, PgFacts.read(c, options.schema()), jobs);
        } catch (SQLException e) {
            throw PgCapture.connectionError(target, e);
        }
    }

    /**
     * Restores {@code dump} into a new scratch database on {@code server}'s server, reads its
     * facts, compares them with {@code recorded} (null: the caller compares), and drops the scratch database (it is ours).
     */
    public Verification verify(DatabaseUrl server, Path dump, DatabaseFacts recorded, Options options) {
        return inScratch(server, dump, options, "owui_verify_", (c, scratch) -> {
            DatabaseFacts facts = PgFacts.read(c, options.schema());
            return new Verification(scratch, facts, recorded == null ? List.of() : differences(recorded, facts));
        });
    }

    /** What a caller reads from a scratch restore, on a connection to it. */
    @FunctionalInterface
    public interface ScratchRead<T> {
        T read(Connection scratch, String name) throws SQLException;
    }

    /**
     * Restores {@code dump} into a new database {@code <prefix><random>} on {@code server}'s
     * server, gives {@code read} a connection to it, and drops it afterwards, also when the restore
     * or the read fails. Only that database is ever dropped: its name is new (CREATE DATABASE
     * fails rather than reuse one) and made here. The connection is closed before the drop (a
     * database with a session cannot be dropped).
     */
    public <T> T inScratch(DatabaseUrl server, Path dump, Options options, String prefix, ScratchRead<T> read) {
        String scratch = prefix + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        DatabaseUrl target = server.withDatabase(scratch);
        try (Connection admin = maintenance(server, options)) {
            int serverMajor = PgCapture.serverMajor(admin);
            Path pgRestore = tools.checkedTool("pg_restore", serverMajor, PgCapture.setting(admin, "server_version"));
            exec(admin, "CREATE DATABASE " + ident(scratch) + " TEMPLATE template0");
            T result;
            try {
                runRestore(pgRestore, target, dump, options, null);
                try (Connection c = PgCapture.connect(target)) {
                    result = read.read(c, scratch);
                } catch (SQLException e) {
                    throw new OwuiException("cannot read " + dump.getFileName() + " restored into the scratch database " + scratch + " on "
                            + server.host() + ":" + server.port() + ": " + target.redact(e.getMessage()),
                            "check the message from PostgreSQL; the scratch database was dropped", e);
                }
            } catch (RuntimeException | Error e) {
                try {
                    exec(admin, "DROP DATABASE IF EXISTS " + ident(scratch));
                } catch (SQLException dropFailed) {
                    e.addSuppressed(dropFailed); // the first failure is the one to report
                }
                throw e;
            }
            exec(admin, "DROP DATABASE IF EXISTS " + ident(scratch));
            return result;
        } catch (SQLException e) {
            throw sqlError(server, e, null);
        }
    }

    static List<String> differences(DatabaseFacts recorded, DatabaseFacts restored) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(recorded.schemaRevision(), restored.schemaRevision())) {
            out.add("schema revision: recorded " + recorded.schemaRevision() + ", restored " + restored.schemaRevision());
        }
        for (String k : union(recorded.counts().keySet(), restored.counts().keySet())) {
            Long a = recorded.counts().get(k);
            Long b = restored.counts().get(k);
            if (!Objects.equals(a, b)) {
                out.add(k + ": recorded " + a + ", restored " + b);
            }
        }
        if (!recorded.uploadRows().equals(restored.uploadRows())) {
            out.add("file rows naming uploads: recorded " + recorded.uploadRows().size() + ", restored " + restored.uploadRows().size());
        }
        if (!recorded.externalFiles().equals(restored.externalFiles())) {
            out.add("file rows stored outside: recorded " + recorded.externalFiles().size() + ", restored " + restored.externalFiles().size());
        }
        return out;
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>(a);
        s.addAll(b);
        return new ArrayList<>(s);
    }

    /** @return the jobs pg_restore ran with */
    private int runRestore(Path pgRestore, DatabaseUrl target, Path dump, Options options, String aside) {
        List<String> cmd = new ArrayList<>(List.of(pgRestore.toString(), "--no-password", "--exit-on-error",
                // Objects belong to the restoring role (the one Open WebUI connects as), also on a server
                // where the original owner does not exist.
                "--no-owner",
                // A conninfo with only the database name: a name with '=' or spaces stays a name.
                "--dbname=dbname='" + target.database().replace("\\", "\\\\").replace("'", "\\'") + "'"));
        // --jobs reads both of pg_dump's archive formats, a directory or a regular file (it seeks in
        // a custom-format one: PgCapture writes it with --file, so it holds the data offsets).
        int jobs = options.jobs() > 1 && (Files.isDirectory(dump) || Files.isRegularFile(dump)) ? options.jobs() : 1;
        if (jobs > 1) {
            cmd.add("--jobs=" + jobs);
        } else {
            cmd.add("--single-transaction"); // all or nothing; pg_restore cannot combine it with --jobs
        }
        cmd.add(dump.toString());
        PgTools.Result r = tools.runFor(target, cmd, null);
        if (r.exitCode() != 0 && r.stderr().contains("unsupported version")) {
            // The dump was written by a newer pg_dump than this pg_restore (its archive version is newer).
            throw new OwuiException("pg_restore (" + pgRestore + ") cannot read " + dump + ": " + PgTools.message(r),
                    "install the PostgreSQL client of the version that made the dump (the backup records it), e.g. apt-get install postgresql-client-<major>, or point owui.pgBin at its bin directory");
        }
        if (r.exitCode() != 0) {
            String where = aside == null ? "" : "; the previous database is " + aside
                    + " (to go back: ALTER DATABASE " + ident(target.database()) + " RENAME TO ...; ALTER DATABASE " + ident(aside)
                    + " RENAME TO " + ident(target.database()) + ")";
            throw new OwuiException("pg_restore into " + target.database() + " failed: " + PgTools.message(r) + where,
                    "check the message from pg_restore; the database " + target.database() + " may hold part of the dump and was left as it is");
        }
        return jobs;
    }

    private static Connection maintenance(DatabaseUrl target, Options options) {
        return PgCapture.connect(target.withDatabase(options.maintenance()));
    }

    private static boolean exists(Connection admin, String db) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, db);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Tables, views and sequences outside PostgreSQL's own schemas: 0 for a new database. */
    private static int userTables(DatabaseUrl target) throws SQLException {
        try (Connection c = PgCapture.connect(target); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                     + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * Refuses while anyone else is connected to {@code db}, naming each session. A session seen
     * closing (ours from a moment ago, a client just stopped) is given up to 3 s to go: a backend
     * leaves pg_stat_activity only after its client has disconnected, while Open WebUI's pooled
     * sessions stay.
     */
    private static void refuseSessions(Connection admin, String db) throws SQLException {
        List<String> sessions = sessions(admin, db);
        for (int wait = 0; wait < 15 && !sessions.isEmpty(); wait++) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sessions = sessions(admin, db);
        }
        if (!sessions.isEmpty()) {
            throw new OwuiException("database " + db + " has " + sessions.size() + " other session(s) connected: "
                    + String.join("; ", sessions),
                    "stop Open WebUI (e.g. docker compose stop open-webui) and whatever else holds these sessions, then restore again");
        }
    }

    private static List<String> sessions(Connection admin, String db) throws SQLException {
        List<String> sessions = new ArrayList<>();
        try (PreparedStatement s = admin.prepareStatement("SELECT pid, usename, application_name, host(client_addr), state"
                + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() ORDER BY pid")) {
            s.setString(1, db);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String app = r.getString(3);
                    String from = r.getString(4);
                    sessions.add("pid " + r.getInt(1) + " (user " + r.getString(2)
                            + (app == null || app.isEmpty() ? "" : ", application '" + app + "'")
                            + (from == null ? ", local socket" : ", from " + from)
                            + (r.getString(5) == null ? "" : ", " + r.getString(5)) + ")");
                }
            }
        }
        return sessions;
    }

    /** CREATE DATABASE for a new database like {@code db}: same owner, encoding, collation. */
    private static String createLike(Connection admin, String db) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype"
                + " FROM pg_database WHERE datname = ?")) {
            s.setString(1, db);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return "CREATE DATABASE " + ident(db) + " TEMPLATE template0 OWNER " + ident(r.getString(1))
                        + " ENCODING " + literal(r.getString(2)) + " LC_COLLATE " + literal(r.getString(3))
                        + " LC_CTYPE " + literal(r.getString(4));
            }
        }
    }

    /** {@code <db>_before_<UTC time>}, cut to PostgreSQL's 63-byte identifier limit. */
    static String asideName(String db, Clock clock) {
        String suffix = "_before_" + dev.owui.backup.format.BackupId.of(clock.instant()); // the backup-id time format: sorts and reads the same
        String base = db;
        while (base.getBytes(StandardCharsets.UTF_8).length + suffix.length() > 63) {
            base = base.substring(0, base.offsetByCodePoints(base.length(), -1));
        }
        return base + suffix;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static OwuiException sqlError(DatabaseUrl target, SQLException e, String aside) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = target.redact(e.getMessage());
        if (state.equals("42501")) {
            return new OwuiException("the role " + target.user() + " may not do this on " + target.host() + ":" + target.port() + ": " + msg,
                    "grant it CREATEDB (ALTER ROLE " + ident(target.user()) + " CREATEDB), or create the database empty yourself and restore into it");
        }
        if (state.equals("55006")) {
            return new OwuiException("database " + target.database() + " is in use: " + msg,
                    "stop Open WebUI and other clients of " + target.database() + ", then restore again");
        }
        return new OwuiException("restore into " + target + " failed: " + msg
                + (aside == null ? "" : "; the previous database is " + aside), "check the message from PostgreSQL");
    }
}
