package dev.owui.backup.instance;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/** Opening SQLite files the two ways this tool needs. */
public final class Sqlite {
    static {
        try {
            Class.forName("org.sqlite.JDBC"); // a plugin's class realm does not run ServiceLoader for us
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Sqlite() {
    }

    /**
     * A connection to a live database that never writes through SQL ({@code query_only}). It is
     * opened read-write on purpose: a read-only connection to a WAL database leaves behind the
     * -wal and -shm files it had to create, while a read-write one, when it is the last to close
     * (a stopped instance), checkpoints and removes them as SQLite always does, leaving the
     * directory as it was. The busy timeout matches Open WebUI's own (5 s).
     */
    public static Connection openLive(Path db) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(5000);
        Connection conn = c.createConnection("jdbc:sqlite:" + db);
        try (var s = conn.createStatement()) {
            s.execute("PRAGMA query_only = 1");
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /**
     * A connection to a database file that nobody writes: a copy in a backup. {@code immutable=1}
     * tells SQLite to take no locks and create no -wal/-shm beside it, so reading a backup never
     * changes the backup tree.
     */
    public static Connection openFrozen(Path db) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        return c.createConnection("jdbc:sqlite:file:" + uriPath(db) + "?immutable=1");
    }

    /**
     * A plain connection to a private copy of a database (a temporary copy of a db and its WAL),
     * which SQLite may recover and change as it likes.
     */
    public static Connection openCopy(Path db) throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite:" + db);
    }

    private static String uriPath(Path db) {
        // RFC 3986 path: escape what a URI would misread in file names.
        StringBuilder sb = new StringBuilder();
        for (char ch : db.toAbsolutePath().toString().toCharArray()) {
            switch (ch) {
                case '%' -> sb.append("%25");
                case '?' -> sb.append("%3f");
                case '#' -> sb.append("%23");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
