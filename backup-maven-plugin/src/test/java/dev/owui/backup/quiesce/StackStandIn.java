package dev.owui.backup.quiesce;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;

/**
 * Stands in for a running Open WebUI (a Docker container here, which these machines cannot run):
 * a separate JVM that keeps "uploading" files. Each upload is written to uploads/ first, then its
 * {@code file} row is committed to webui.db (WAL, as Open WebUI since 0.9), then the row's number
 * is appended to a log. So in any consistent capture every row names an upload that exists, and
 * the last logged number is committed. It never closes the database: a stop by signal leaves
 * commits in webui.db-wal, as a killed container would.
 *
 * <p>Usage: {@code StackStandIn <dataDir> <committed-log> <pid-file>}
 */
public final class StackStandIn {
    public static final String PREFIX = "standin-";

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path committed = Path.of(args[1]);
        Files.writeString(Path.of(args[2]), Long.toString(ProcessHandle.current().pid()));
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db"));
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA wal_autocheckpoint=0"); // commits stay in the WAL until a checkpoint: the case a cold copy must keep
        }
        c.setAutoCommit(false);
        PreparedStatement insert = c.prepareStatement("INSERT INTO file (id, user_id, filename, path, meta, created_at, updated_at)"
                + " VALUES (?, 'standin', ?, ?, '{}', ?, ?)");
        long start = Files.exists(committed) ? Files.readAllLines(committed).size() : 0;
        for (long i = start + 1; ; i++) {
            String id = UUID.randomUUID().toString();
            String stored = id + "_" + PREFIX + i + ".txt";
            Files.writeString(data.resolve("uploads").resolve(stored), "upload number " + i + "\n".repeat(200), StandardCharsets.UTF_8);
            long now = System.currentTimeMillis() / 1000;
            insert.setString(1, id);
            insert.setString(2, PREFIX + i + ".txt");
            insert.setString(3, "/app/backend/data/uploads/" + stored);
            insert.setLong(4, now);
            insert.setLong(5, now);
            insert.executeUpdate();
            c.commit();
            Files.writeString(committed, i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(2);
        }
    }

    private StackStandIn() {
    }
}
