package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCaptureTest {
    @TempDir
    Path tmp;

    @Test
    void aHealthyCopyOfChromaWithItsFullTextIndexPassesTheQuickCheck() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path copy = tmp.resolve("chroma.copy");
        SqliteCapture.capture(f.chromaDb(), copy, "vector_db/chroma.sqlite3");
        assertTrue(SqliteCapture.quickCheck(copy).isEmpty());
        SqliteCapture.check(copy, f.chromaDb(), "vector_db/chroma.sqlite3");
        assertTrue(Files.exists(copy));
    }

    @Test
    void damagedPagesInADatabaseWithVirtualTablesAreStillFound() throws Exception {
        // Chroma's schema has an FTS5 table, so the check runs table by table: it must still see damage.
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path copy = tmp.resolve("chroma.copy");
        SqliteCapture.capture(f.chromaDb(), copy, "vector_db/chroma.sqlite3");
        try (RandomAccessFile r = new RandomAccessFile(copy.toFile(), "rw")) {
            for (long off = r.length() / 2 / 4096 * 4096; off < r.length(); off += 4096 * 2) { // data pages, not the schema
                r.seek(off);
                r.write(new byte[48]);
            }
        }
        assertFalse(SqliteCapture.quickCheck(copy).isEmpty());
        OwuiException e = assertThrows(OwuiException.class, () -> SqliteCapture.check(copy, f.chromaDb(), "vector_db/chroma.sqlite3"));
        assertTrue(e.getMessage().contains("vector_db/chroma.sqlite3 fails SQLite's quick_check"), e.getMessage());
        assertFalse(Files.exists(copy), "a copy that fails its check is not kept");
    }
}
