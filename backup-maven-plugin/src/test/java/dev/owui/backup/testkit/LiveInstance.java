package dev.owui.backup.testkit;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixture's {@code webui.db} as a running Open WebUI holds it.
 *
 * <p>SQLite checkpoints the WAL into the main file when the last connection closes, so a
 * commit exists only in {@code webui.db-wal} while some connection stays open. This class keeps
 * one connection open with {@code wal_autocheckpoint=0} and commits one chat through it, titled
 * {@link #walOnlyChatTitle()}: copying {@code webui.db} alone misses that chat until
 * {@link #close()}.
 *
 * <p>{@link #startWriter(Duration)} adds a second connection that keeps committing chats
 * (titled {@code writer-1}, {@code writer-2}, ...) with Open WebUI's settings
 * ({@code busy_timeout=5000}, {@code synchronous=NORMAL}). Like Open WebUI it keeps SQLite's
 * default auto-checkpoint (1000 pages, ~4 MB of WAL), so after a few hundred writer commits a
 * checkpoint may move the WAL-only chat into webui.db too.
 */
public final class LiveInstance implements AutoCloseable {

    private final Path db;
    private final Rows live;
    private final String walOnlyTitle;
    private final AtomicLong commits = new AtomicLong();
    private Thread writer;
    private CountDownLatch stop;
    private volatile Throwable writerError;

    private LiveInstance(Path db, Rows live, String walOnlyTitle) {
        this.db = db;
        this.live = live;
        this.walOnlyTitle = walOnlyTitle;
    }

    static LiveInstance open(Path db) throws SQLException {
        Rows live = Rows.open(db, "busy_timeout=5000", "wal_autocheckpoint=0", "synchronous=NORMAL");
        try {
            int n = (int) queryLong(live, "SELECT count(*) FROM chat WHERE title LIKE 'only-in-wal-%'") + 1;
            String title = "only-in-wal-" + n;
            Ids ids = new Ids(new Random(n));
            live.begin();
            WebUiDb.insertChat(live, ids, ids.uuid(), firstUser(live), title, 2, Ids.EPOCH + 200 * 86_400L, null);
            live.commit();
            return new LiveInstance(db, live, title);
        } catch (SQLException | RuntimeException e) {
            live.close();
            throw e;
        }
    }

    /** Title of the chat committed only to the WAL, {@code only-in-wal-<n>}. */
    public String walOnlyChatTitle() {
        return walOnlyTitle;
    }

    public Path walFile() {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    /** Starts a daemon thread that commits one chat with two messages every {@code interval}. */
    public synchronized void startWriter(Duration interval) throws SQLException {
        if (writer != null) {
            throw new IllegalStateException("writer already running");
        }
        Rows rows = WebUiDb.open(db);
        String userId = firstUser(rows);
        stop = new CountDownLatch(1);
        writer = new Thread(() -> writeLoop(rows, userId, interval, stop), "owui-fixture-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Commits made by the writer so far. */
    public long writerCommits() {
        return commits.get();
    }

    /** Stops the writer and returns how many commits it made; rethrows a writer failure. */
    public synchronized long stopWriter() throws InterruptedException {
        if (writer != null) {
            stop.countDown();
            writer.join();
            writer = null;
        }
        if (writerError != null) {
            throw new IllegalStateException("fixture writer failed", writerError);
        }
        return commits.get();
    }

    /** Stops the writer and closes the last connection, which checkpoints the WAL into webui.db. */
    @Override
    public void close() throws SQLException {
        try {
            stopWriter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live.close();
        }
    }

    private void writeLoop(Rows rows, String userId, Duration interval, CountDownLatch stop) {
        Ids ids = new Ids(new Random(commits.get() + 1000));
        try (rows) {
            do {
                long k = commits.get() + 1;
                rows.begin();
                WebUiDb.insertChat(rows, ids, ids.uuid(), userId, "writer-" + k, 2, Ids.EPOCH + 201 * 86_400L, null);
                rows.commit();
                commits.set(k);
            } while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS));
        } catch (Throwable t) {
            writerError = t;
        }
    }

    private static String firstUser(Rows rows) throws SQLException {
        try (Statement st = rows.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM user ORDER BY created_at, id LIMIT 1")) {
            if (!rs.next()) {
                throw new SQLException("no user in webui.db");
            }
            return rs.getString(1);
        }
    }

    static long queryLong(Rows rows, String sql) throws SQLException {
        try (Statement st = rows.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
