package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A consistent capture of an Open WebUI database in PostgreSQL: one snapshot for the dump and
 * the facts.
 *
 * <ol>
 * <li>A JDBC connection opens a {@code REPEATABLE READ READ ONLY} transaction and exports its
 *     snapshot ({@code pg_export_snapshot()}).</li>
 * <li>{@code pg_dump --snapshot=<id>} dumps exactly what that snapshot sees (also with
 *     {@code -j}: every worker imports it), while the transaction stays open.</li>
 * <li>On the same transaction the facts are read (revision, row counts, file rows), so they
 *     describe the dump and not the database a moment later.</li>
 * </ol>
 *
 * The dump's creation time is then fixed ({@link ArchiveHeader}) so that unchanged databases give
 * identical dumps. Nothing is written to the database: the transaction is read-only and rolled
 * back.
 */
public final class PgCapture {
    /** pg_dump's archive formats the capture writes; both restore with pg_restore. */
    public enum Format {
        /** {@code -Fc}: one file; the default. */
        CUSTOM,
        /**
         * {@code -Fd}: a folder with toc.dat and one file per table, dumped and restored
         * by {@code jobs} processes in parallel; for large databases. A table that did not change
         * gives the same file, so a backup stores only the tables that changed.
         */
        DIRECTORY
    }

    /**
     * How to capture. {@code jobs} is used by the directory format only; {@code schema} is Open
     * WebUI's DATABASE_SCHEMA (where the facts are read; pg_dump dumps every schema), null for the
     * connection's default.
     */
    public record Options(Format format, int jobs, String schema, Consumer<String> onSnapshot) {
        public static Options defaults() {
            return new Options(Format.CUSTOM, 1, null, id -> { });
        }

        public Options directory(int parallelJobs) {
            return new Options(Format.DIRECTORY, Math.max(1, parallelJobs), schema, onSnapshot);
        }

        public Options inSchema(String s) {
            return new Options(format, jobs, s, onSnapshot);
        }

        /** Called with the snapshot id once it is exported, before pg_dump starts (progress, tests). */
        public Options onSnapshot(Consumer<String> listener) {
            return new Options(format, jobs, schema, listener);
        }
    }

    /**
     * What a capture holds.
     *
     * @param dump          the custom-format file, or the directory-format folder
     * @param format        which of the two
     * @param serverVersion the server's version (server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)")
     * @param serverMajor   its major version
     * @param pgDumpMajor   the major version of the pg_dump that wrote the dump (pg_restore must be as new)
     * @param facts         revision, row counts and file rows, read in the dump's snapshot
     * @param normalized    true when the dump's creation time was fixed (identical dumps for unchanged data)
     */
    public record Result(Path dump, Format format, String serverVersion, int serverMajor, int pgDumpMajor,
                         DatabaseFacts facts, boolean normalized) {
    }

    private final PgTools tools;

    public PgCapture(PgTools tools) {
        this.tools = tools;
    }

    /**
     * Captures {@code url}'s database to {@code out} (a file for the custom format, a folder that
     * must not exist yet for the directory format).
     */
    public Result capture(DatabaseUrl url, Path out, Options options) {
        try (Connection c = connect(url)) {
            int serverMajor = serverMajor(c);
            String serverVersion = setting(c, "server_version");
            Path pgDump = tools.checkedTool("pg_dump", serverMajor, serverVersion);
            int dumpMajor = tools.majorVersion(pgDump);

            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // The first statement of the transaction pgjdbc opens: fixes its isolation before any read.
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            String snapshot;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_export_snapshot()")) {
                r.next();
                snapshot = r.getString(1);
            }
            options.onSnapshot().accept(snapshot);

            List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "--no-password", "--snapshot=" + snapshot,
                    "--file=" + out));
            if (options.format() == Format.DIRECTORY) {
                cmd.add("--format=directory");
                cmd.add("--jobs=" + options.jobs());
            } else {
                cmd.add("--format=custom");
            }
            // Uncompressed: the backup cuts the dump into content-defined pieces and compresses each;
            // pg_dump's own compression would make every byte after a change differ, so a 1% change
            // stored the whole dump again (FORMAT.md, "PostgreSQL instances").
            cmd.add("--compress=0");
            PgTools.Result r = tools.runFor(url, cmd, null);
            if (r.exitCode() != 0) {
                delete(out);
                throw new OwuiException("pg_dump of " + url + " failed: " + PgTools.message(r),
                        "check pg_dump's message; the database was only read");
            }
            // Same transaction, same snapshot: the facts describe exactly what was dumped.
            DatabaseFacts facts = PgFacts.read(c, options.schema());
            c.rollback();

            Path header = options.format() == Format.DIRECTORY ? out.resolve("toc.dat") : out;
            boolean normalized = ArchiveHeader.normalizeCreationTime(header);
            return new Result(out, options.format(), serverVersion, serverMajor, dumpMajor, facts, normalized);
        } catch (SQLException e) {
            throw connectionError(url, e);
        } catch (IOException e) {
            throw new OwuiException("cannot finish the dump at " + out + ": " + e.getMessage(),
                    "check the space and permissions of the folder the dump is written to", e);
        }
    }

    /** A JDBC connection to {@code url}, with errors that name the server and never the password. */
    static Connection connect(DatabaseUrl url) {
        try {
            return DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        } catch (SQLException e) {
            throw connectionError(url, e);
        }
    }

    static OwuiException connectionError(DatabaseUrl url, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = url.redact(e.getMessage());
        String advice;
        if (state.equals("28P01") || state.equals("28000")) {
            advice = "check the user and password for " + url.user() + " (DATABASE_URL, or the settings.xml server that holds the password)";
        } else if (state.equals("3D000")) {
            advice = "check the database name in DATABASE_URL";
        } else if (state.startsWith("08")) {
            advice = "check that PostgreSQL runs at " + url.host() + ":" + url.port() + " and accepts connections from this host (listen_addresses, pg_hba.conf, firewall)";
        } else {
            advice = "check the message from PostgreSQL";
        }
        // The driver's exception is not kept as the cause: its text may quote the connection properties.
        return new OwuiException("cannot read PostgreSQL database " + url + ": " + msg, advice);
    }

    static int serverMajor(Connection c) throws SQLException {
        int num = Integer.parseInt(setting(c, "server_version_num"));
        return num / 10000; // 150018 → 15; 90624 → 9 (before 10 the major had two parts; any pg_dump 10+ reads 9.x)
    }

    static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + name)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Deletes a capture's output (a file or a directory-format folder). */
    public static void delete(Path dump) throws IOException {
        if (Files.isDirectory(dump)) {
            try (var s = Files.list(dump)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.deleteIfExists(dump);
    }
}
