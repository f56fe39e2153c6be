package dev.owui.backup.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
    private static Manifest sample() {
        FileEntry e = new FileEntry("uploads/a b's \"c\" 日本.pdf", FileEntry.FILE, 3, "ab", Instant.parse("2026-11-20T10:01:02.123456789Z"),
                "rw-r--r--", FileEntry.STORED_PLAIN, "20261125T000000Z", null);
        return new Manifest(Manifest.FORMAT, 1, "0.1.0", "prod", "20261126T000000Z", "h", "/d", "hot", Instant.parse("2026-11-26T00:00:00Z"),
                Instant.parse("2026-11-26T00:00:03Z"), new InstanceFacts("f0bd01a18a3d", Map.of("users", 2L), List.of(), List.of(), List.of()),
                new Manifest.Totals(1, 3, 0, 3), List.of(e));
    }

    @Test
    void roundTripsWithFullPrecisionTimesAndAwkwardNames() {
        Manifest m = sample();
        byte[] json = ManifestCodec.write(m);
        assertEquals(m, ManifestCodec.read(new ByteArrayInputStream(json), "x"));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"mtime\" : \"2026-11-20T10:01:02.123456789Z\""));
    }

    @Test
    void theSummaryStopsBeforeTheFileList() {
        byte[] json = ManifestCodec.write(sample());
        // Cut the JSON inside the file list: the header alone must still read.
        String text = new String(json, StandardCharsets.UTF_8);
        byte[] truncated = text.substring(0, text.indexOf("\"files\" : [") + 20).getBytes(StandardCharsets.UTF_8);
        Manifest s = ManifestCodec.readSummary(new ByteArrayInputStream(truncated), "x");
        assertEquals("20261126T000000Z", s.backupId());
        assertEquals(3, s.totals().bytes());
        assertEquals(List.of(), s.files());
        assertThrows(OwuiException.class, () -> ManifestCodec.read(new ByteArrayInputStream(truncated), "x"));
    }

    @Test
    void folderEntriesRoundTripAfterTheFileListAndAManifestWithoutThemStillReads() {
        Manifest m = sample().withDirectories(List.of(new DirectoryEntry("uploads", Instant.parse("2026-11-20T10:00:00.5Z"), "rwxr-x---"),
                new DirectoryEntry("uploads/empty", Instant.parse("2026-11-20T10:00:01Z"), "rwx------")));
        String json = new String(ManifestCodec.write(m), StandardCharsets.UTF_8);
        assertEquals(m, ManifestCodec.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "x"));
        assertTrue(json.indexOf("\"directories\" : [") > json.indexOf("\"files\" : ["), "after the file list: a summary never parses them");
        assertEquals("1", String.valueOf(m.formatVersion()), "no new version: older readers ignore the unknown field");
        assertEquals(null, ManifestCodec.readSummary(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "x").directories());

        // As every manifest was written before folders were recorded.
        Manifest old = ManifestCodec.read(new ByteArrayInputStream(ManifestCodec.write(sample())), "x");
        assertFalse(new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8).contains("directories"));
        assertEquals(null, old.directories());
        assertEquals(List.of(), old.directoriesOrEmpty());
    }

    @Test
    void aNewerFormatOrAForeignFileIsRefusedWithWhatToDo() {
        String newer = new String(ManifestCodec.write(sample()), StandardCharsets.UTF_8).replace("\"formatVersion\" : 1", "\"formatVersion\" : 9");
        OwuiException e = assertThrows(OwuiException.class, () -> ManifestCodec.read(new ByteArrayInputStream(newer.getBytes(StandardCharsets.UTF_8)), "m.json"));
        assertTrue(e.getMessage().contains("format version 9") && e.getMessage().contains("0.1.0"), e.getMessage());
        OwuiException foreign = assertThrows(OwuiException.class, () -> ManifestCodec.read(new ByteArrayInputStream("{\"a\":1}".getBytes()), "m.json"));
        assertTrue(foreign.getMessage().contains("m.json"), foreign.getMessage());
    }
}
