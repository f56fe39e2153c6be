package dev.owui.backup.repo.pages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Page storage over real SQLite databases: the changed pages of a capture are found from the
 * previous page map alone, and any capture is rebuilt byte for byte from its layers, through
 * growth, deletes, VACUUM, a page-size change and a database that shrinks, with the layer count
 * bounded.
 */
class PageStorageTest {
    @TempDir
    Path dir;

    /** The layers of a capture as a repository would keep them: files standing in for objects. */
    record StoredLayer(Path object, List<Run> runs) implements PageSets.Layer {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(object);
        }
    }

    /** What the repository would record for one capture: its layers, page map, size and hash. */
    record Capture(List<StoredLayer> layers, PageMap map) {
    }

    private int objects;
    /** Set by chains built for other tests of this package (StockToolReassemblyTest). */
    Capture lastCapture;

    Path newDatabaseForTests(int pageSize) throws SQLException {
        return newDatabase(pageSize);
    }

    Path imageForTests(Path db, String name) throws IOException {
        return image(db, name);
    }

    Capture storeForTests(Path image, Capture previous) throws IOException {
        return store(image, previous, false);
    }

    private Path newObject() {
        return dir.resolve("object-" + (objects++));
    }

    /** Stores {@code image} as the repository will: against {@code previous}, by the policy. */
    private Capture store(Path image, Capture previous, boolean full) throws IOException {
        PageMap map = PageMap.of(image);
        List<List<Run>> sets = new ArrayList<>();
        if (previous != null) {
            previous.layers.subList(1, previous.layers.size()).forEach(l -> sets.add(l.runs()));
        }
        LayerPolicy.Decision d = LayerPolicy.decide(previous == null ? null : previous.map, sets, map, full);
        List<StoredLayer> layers = new ArrayList<>();
        switch (d.kind()) {
            case IMAGE -> {
                Path o = newObject();
                Files.copy(image, o);
                layers.add(new StoredLayer(o, null));
            }
            case SAME -> layers.addAll(previous.layers);
            case APPEND, COMPACT -> {
                layers.add(previous.layers.get(0));
                if (d.kind() == LayerPolicy.Kind.APPEND) {
                    layers.addAll(previous.layers.subList(1, previous.layers.size()));
                }
                Path o = newObject();
                try (OutputStream out = Files.newOutputStream(o)) {
                    long written = PageSets.write(image, map.pageSize(), d.runs(), out);
                    assertEquals(Runs.pages(d.runs()) * map.pageSize(), written);
                }
                layers.add(new StoredLayer(o, d.runs()));
            }
        }
        assertTrue(layers.size() <= LayerPolicy.MAX_LAYERS, "layers: " + layers.size());
        return new Capture(layers, map);
    }

    private void assertRebuilds(Capture c, Path image) throws IOException {
        Path out = dir.resolve("rebuilt.db");
        PageSets.reassemble(c.layers, c.map.pageSize(), c.map.pageCount(), c.map.sha256(), out);
        assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(out));
        Files.delete(out);
    }

    private static Connection open(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    }

    /** A snapshot of the database as a capture would make it (the connection is closed: no WAL, no journal). */
    private Path image(Path db, String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.copy(db, copy);
        return copy;
    }

    private static void exec(Path db, String... sql) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static void insertChats(Path db, Random r, int n, int bytes) throws SQLException {
        try (Connection c = open(db)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO chat(id, user_id, title, body, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    byte[] body = new byte[bytes];
                    r.nextBytes(body);
                    p.setString(1, Long.toHexString(r.nextLong()));
                    p.setInt(2, r.nextInt(50));
                    p.setString(3, "chat " + i);
                    p.setBytes(4, body);
                    p.setLong(5, r.nextLong());
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
    }

    private Path newDatabase(int pageSize) throws SQLException {
        Path db = dir.resolve("live-" + pageSize + ".db");
        exec(db, "PRAGMA page_size=" + pageSize, "PRAGMA journal_mode=DELETE",
                "CREATE TABLE user(id INTEGER PRIMARY KEY, name TEXT, last_active_at INTEGER)",
                "CREATE TABLE chat(id TEXT PRIMARY KEY, user_id INTEGER, title TEXT, body BLOB, updated_at INTEGER)",
                "CREATE INDEX chat_user ON chat(user_id, updated_at)");
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                s.execute("INSERT INTO user(id, name, last_active_at) VALUES (" + i + ", 'user " + i + "', 0)");
            }
        }
        return db;
    }

    @Test
    void aDayOfSmallChangesStoresOnlyThePagesThatChanged() throws Exception {
        Path db = newDatabase(4096);
        Random r = new Random(1);
        insertChats(db, r, 2000, 1500);
        Path day0 = image(db, "day0");
        Capture c0 = store(day0, null, false);
        assertEquals(1, c0.layers.size());

        insertChats(db, r, 20, 1500);
        exec(db, "UPDATE user SET last_active_at = 1700000000 WHERE id % 7 = 0");
        Path day1 = image(db, "day1");
        Capture c1 = store(day1, c0, false);

        assertEquals(2, c1.layers.size());
        long setBytes = Files.size(c1.layers.get(1).object());
        long imageBytes = Files.size(day1);
        assertTrue(setBytes < imageBytes / 10, "page set " + setBytes + " B against an image of " + imageBytes + " B");
        // Exactly the pages whose bytes differ, nothing more, nothing less:
        assertEquals(differingPages(day0, day1, 4096), Runs.pagesListOf(c1.layers.get(1).runs()));
        assertRebuilds(c1, day1);
        assertRebuilds(c0, day0); // the earlier capture is still whole from its own layers
    }

    @Test
    void manyDaysStayWithinEightLayersAndEveryDayRebuildsExactly() throws Exception {
        Path db = newDatabase(4096);
        Random r = new Random(2);
        insertChats(db, r, 1500, 1200);
        Capture previous = null;
        List<Path> images = new ArrayList<>();
        List<Capture> captures = new ArrayList<>();
        boolean compacted = false;
        for (int day = 0; day < 20; day++) {
            insertChats(db, r, 15, 1200);
            exec(db, "UPDATE user SET last_active_at = " + (1700000000 + day) + " WHERE id % 5 = " + (day % 5),
                    "DELETE FROM chat WHERE rowid IN (SELECT rowid FROM chat ORDER BY random() LIMIT 5)");
            Path img = image(db, "day" + day);
            Capture c = store(img, previous, false);
            compacted |= previous != null && c.layers.size() < previous.layers.size() && c.layers.get(0) == previous.layers.get(0);
            images.add(img);
            captures.add(c);
            previous = c;
        }
        assertTrue(compacted, "20 days of small changes compact the page sets at least once");
        for (int day = 0; day < images.size(); day++) {
            assertRebuilds(captures.get(day), images.get(day));
        }
    }

    @Test
    void vacuumAPageSizeChangeAndFullAreStoredAsNewImages() throws Exception {
        Path db = newDatabase(4096);
        Random r = new Random(3);
        insertChats(db, r, 1500, 1000);
        Capture c0 = store(image(db, "a"), null, false);

        exec(db, "DELETE FROM chat WHERE rowid % 2 = 0", "VACUUM");
        Path vacuumed = image(db, "b");
        Capture c1 = store(vacuumed, c0, false);
        assertEquals(1, c1.layers.size(), "VACUUM rewrites most pages: a new image");
        assertRebuilds(c1, vacuumed);

        exec(db, "PRAGMA page_size=8192", "VACUUM");
        Path resized = image(db, "c");
        assertEquals(8192, PageMap.of(resized).pageSize());
        Capture c2 = store(resized, c1, false);
        assertEquals(1, c2.layers.size());
        assertRebuilds(c2, resized);

        Capture c3 = store(resized, c2, true);
        assertEquals(1, c3.layers.size());
        assertFalse(c3.layers.get(0).object().equals(c2.layers.get(0).object()), "owui.full writes a new image");
    }

    @Test
    void anUnchangedDatabaseKeepsItsLayersAndAShrunkOneIsCutByItsPageCount() throws Exception {
        Path db = newDatabase(4096);
        Random r = new Random(4);
        insertChats(db, r, 1000, 1000);
        Path a = image(db, "a");
        Capture c0 = store(a, null, false);
        Capture same = store(image(db, "a2"), c0, false);
        assertEquals(c0.layers, same.layers);

        // A shrink that changes no surviving page: the same layers, a smaller page count.
        Path shorter = dir.resolve("shorter");
        long keep = PageMap.of(a).pageCount() - 3;
        Files.write(shorter, java.util.Arrays.copyOf(Files.readAllBytes(a), (int) (keep * 4096)));
        Capture cut = store(shorter, c0, false);
        assertEquals(c0.layers, cut.layers);
        assertEquals(keep, cut.map.pageCount());
        assertRebuilds(cut, shorter);

        // A database that shrinks for real (auto_vacuum=FULL gives pages back on delete).
        Path av = dir.resolve("av.db");
        exec(av, "PRAGMA auto_vacuum=FULL", "PRAGMA journal_mode=DELETE",
                "CREATE TABLE chat(id TEXT PRIMARY KEY, user_id INTEGER, title TEXT, body BLOB, updated_at INTEGER)");
        insertChats(av, r, 800, 1000);
        Capture big = store(image(av, "av1"), null, false);
        exec(av, "DELETE FROM chat WHERE rowid > 700");
        Path small = image(av, "av2");
        assertTrue(PageMap.of(small).pageCount() < big.map.pageCount());
        assertRebuilds(store(small, big, false), small);
    }

    @Test
    void aPageMapRoundTripsAndRefusesDamage() throws Exception {
        Path db = newDatabase(4096);
        insertChats(db, new Random(5), 300, 800);
        PageMap m = PageMap.of(db);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        PageMap back = PageMap.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(m.sha256(), back.sha256());
        assertEquals(m.pageCount(), back.pageCount());
        assertFalse(back.changedIn(m).hasNext());

        byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 1);
        assertThrows(IOException.class, () -> PageMap.read(new ByteArrayInputStream(truncated)));
        byte[] longer = java.util.Arrays.copyOf(out.toByteArray(), out.size() + 1);
        assertThrows(IOException.class, () -> PageMap.read(new ByteArrayInputStream(longer)));

        Path torn = dir.resolve("torn");
        Files.write(torn, java.util.Arrays.copyOf(Files.readAllBytes(db), 4096 * 3 + 100));
        assertThrows(IOException.class, () -> PageMap.of(torn));
        Path notSqlite = dir.resolve("not");
        Files.write(notSqlite, new byte[8192]);
        assertThrows(IOException.class, () -> PageMap.of(notSqlite));
    }

    @Test
    void aDamagedOrMismatchedLayerFailsTheReassemblyAndLeavesNoFile() throws Exception {
        Path db = newDatabase(4096);
        Random r = new Random(6);
        insertChats(db, r, 1000, 1000);
        Capture c0 = store(image(db, "a"), null, false);
        insertChats(db, r, 10, 1000);
        Path b = image(db, "b");
        Capture c1 = store(b, c0, false);
        Path set = c1.layers.get(1).object();
        byte[] bytes = Files.readAllBytes(set);
        bytes[bytes.length / 2] ^= 1;
        Files.write(set, bytes);
        Path out = dir.resolve("out.db");
        IOException e = assertThrows(IOException.class,
                () -> PageSets.reassemble(c1.layers, 4096, c1.map.pageCount(), c1.map.sha256(), out));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(out));

        Files.write(set, java.util.Arrays.copyOf(bytes, bytes.length - 4096));
        assertThrows(IOException.class, () -> PageSets.reassemble(c1.layers, 4096, c1.map.pageCount(), c1.map.sha256(), out));
        assertFalse(Files.exists(out));
    }

    /** 1-based numbers of the pages whose bytes differ between two images, or that only the second has. */
    static List<Long> differingPages(Path a, Path b, int pageSize) throws IOException {
        byte[] x = Files.readAllBytes(a);
        byte[] y = Files.readAllBytes(b);
        List<Long> out = new ArrayList<>();
        for (int p = 0; p * pageSize < y.length; p++) {
            int from = p * pageSize;
            if (from + pageSize > x.length
                    || !java.util.Arrays.equals(x, from, from + pageSize, y, from, from + pageSize)) {
                out.add((long) p + 1);
            }
        }
        return out;
    }
}
