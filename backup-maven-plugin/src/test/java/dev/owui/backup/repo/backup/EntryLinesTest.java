package dev.owui.backup.repo.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.owui.backup.repo.RepoJson;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryLinesTest {
    private static final String SHA = "ab".repeat(32);

    /** Every kind of entry reads back equal to what data binding reads, whichever path reads it. */
    @Test
    void readsWhatDataBindingReads() throws Exception {
        Instant t = Instant.parse("2026-11-28T15:30:00.123456789Z");
        List<Entry> entries = List.of(
                Entry.file("uploads/a \"quoted\" \\ é 😀.txt", 12, SHA, t, "rw-r--r--", "zstd", SHA, 10),
                Entry.secretKey(".webui_secret_key", 3, SHA, Instant.parse("1970-01-01T00:00:00Z"), "rw-------", "plain", SHA, 3),
                Entry.dir("uploads", Instant.parse("2000-02-29T23:59:59.5Z"), "rwxr-xr-x"),
                Entry.dir("nomode", t, null),
                Entry.symlink("link", "../x", t, "rwxrwxrwx"),
                Entry.sqlite("webui.db", 8192, SHA, t, "rw-r--r--", "zstd", 4096, 2, SHA,
                        List.of(new Entry.Layer(Entry.Layer.IMAGE, SHA, null), new Entry.Layer(Entry.Layer.PAGES, SHA, List.of(new long[] {1, 2})))));
        for (Entry e : entries) {
            String line = RepoJson.line(e);
            Entry bound = RepoJson.MAPPER.readValue(line, Entry.class);
            Entry read = EntryLines.parse(line);
            assertEquals(RepoJson.line(bound), RepoJson.line(read), line);
        }
        assertNotNull(EntryLines.fast(RepoJson.line(entries.get(0))), "a file's line takes the fast path");
        assertNull(EntryLines.fast(RepoJson.line(entries.get(5))), "a database's layers go through data binding");
        assertNull(EntryLines.fast("{\"path\":\"a\",\"type\":\"file\",\"newField\":1}"), "an unknown field goes through data binding");
        assertEquals("a", EntryLines.parse("{\"path\":\"a\",\"type\":\"file\",\"newField\":{\"x\":1}}").path());
    }

    @Test
    void readsTimesAsInstantParseDoes() {
        Random r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-62_167_219_200L, 253_402_300_799L), r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
            if (r.nextBoolean()) {
                t = Instant.ofEpochSecond(t.getEpochSecond(), t.getNano() / 1_000_000 * 1_000_000);
            }
            assertEquals(t, EntryLines.instant(t.toString()), t.toString());
        }
        for (String odd : List.of("2026-02-30T00:00:00Z", "2026-11-28T15:30:00+01:00", "+10000-01-01T00:00:00Z", "2026-11-28T15:30:00.Z",
                "2026-11-28T15:30:00.1234567890Z", "2026-11-28 15:30:00Z", "2026-11-28T24:00:00Z", "2026-1a-28T15:30:00Z")) {
            assertNull(EntryLines.instant(odd), odd);
        }
    }
}
