package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.FileEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataDirectoryNamesTest {
    @Test
    void twoScannedEntriesWithOnePathFailLoudly() {
        SourceFile a = new SourceFile("uploads/r-\uFFFD.txt", Path.of("/d/uploads/a"), FileEntry.FILE, 1, Instant.EPOCH, null, null);
        SourceFile b = new SourceFile("uploads/r-\uFFFD.txt", Path.of("/d/uploads/b"), FileEntry.FILE, 1, Instant.EPOCH, null, null);
        OwuiException e = assertThrows(OwuiException.class, () -> DataDirectory.checkUnique(List.of(a, b)));
        assertTrue(e.problem().contains("same path uploads/r-\uFFFD.txt"), e.problem());
        DataDirectory.checkUnique(List.of(a)); // one is fine
    }

    @Test
    void invalidBytesAreShownAsEscapesAndEverythingElseAsText() {
        byte[] raw = {'r', '-', (byte) 0xe9, '\\', (byte) 0xc3, (byte) 0xa9, (byte) 0xff, '.', 't'};
        assertEquals("r-\\xe9\\\\é\\xff.t", FileNames.escape(raw));
        assertEquals("a\uFFFDb", FileNames.escape("a\uFFFDb".getBytes(StandardCharsets.UTF_8)), "a real U+FFFD in a name is valid UTF-8");
    }
}
