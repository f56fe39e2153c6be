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
     * A read-only connection to a database that another process may be writing. Read-only
     * because a backup must never change its source: a read-write connection that is the last to
     * close checkpoints the -wal into the database file and deletes -wal and -shm (measured with
     * sqlite-jdbc 3.53: webui.db rewritten, -wal gone), while a read-only one never checkpoints.
     * It is used while a running instance holds the database (see {@link SqliteCapture}), whose
     * -wal and -shm exist and belong to it anyway; a stopped instance's files are copied instead,
     * since even a read-only connection would rebuild -shm, or create -wal and -shm when there
     * were none, and leave them behind. The busy timeout matches Open WebUI's own (5 s).
     */
    public static Connection openLive(Path db) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        c.setBusyTimeout(5000);
        return c.createConnection("jdbc:sqlite:" + db);
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
