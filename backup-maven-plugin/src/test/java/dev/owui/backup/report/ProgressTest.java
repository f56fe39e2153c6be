package dev.owui.backup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport.RecordingLog;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Progress with a clock the test moves: when lines appear and what they say. */
class ProgressTest {
    private static final long MIB = 1 << 20;
    private static final long SECOND = 1_000_000_000L;
    private static final Pattern PERCENT = Pattern.compile("\\((\\d+)%\\)");

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final RecordingLog log = new RecordingLog();

    private Progress progress(long total) {
        return new Progress(log, "backup", total, Duration.ofSeconds(5), now::get);
    }

    @Test
    void linesComeAtMostOncePerIntervalWithRateAndTimeLeft() {
        Progress p = progress(100 * MIB);
        for (int i = 1; i <= 48; i++) { // 1 MiB every quarter second for 12 s
            now.addAndGet(SECOND / 4);
            p.advance(MIB);
        }
        // at 5 s and 10 s only: 48 advances, 2 lines
        assertEquals(List.of("backup: 20.0 MiB of 100.0 MiB (20%), 4.0 MiB/s, about 20 s left",
                "backup: 40.0 MiB of 100.0 MiB (40%), 4.0 MiB/s, about 15 s left"), log.infos);
    }

    @Test
    void aLongRemainderReadsInMinutesAndHours() {
        assertEquals("27 s", Progress.duration(27));
        assertEquals("3 min 5 s", Progress.duration(185));
        assertEquals("2 min", Progress.duration(120));
        assertEquals("1 h 12 min", Progress.duration(3600 + 12 * 60 + 30));
    }

    @Test
    void bytesCountAsTheyAreReadThroughTheStream() throws Exception {
        Progress p = progress(10 * MIB);
        Progress.Meter m = p.file(10 * MIB);
        try (InputStream in = new CountingInputStream(new ByteArrayInputStream(new byte[(int) (10 * MIB)]), m.whole())) {
            byte[] buf = new byte[(int) MIB];
            for (int i = 0; i < 3; i++) {
                in.readNBytes(buf, 0, buf.length);
            }
            now.addAndGet(5 * SECOND);
            in.readNBytes(buf, 0, buf.length);
            assertEquals(List.of("backup: 4.0 MiB of 10.0 MiB (40%), 819.2 KiB/s, about 8 s left"), log.infos,
                    "mid-file, before the file is stored");
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        m.finish(10 * MIB);
        now.addAndGet(5 * SECOND);
        p.advance(0);
        assertEquals("backup: 10.0 MiB of 10.0 MiB (100%), 1.0 MiB/s", log.infos.get(1));
    }

    @Test
    void aFileReadAgainIsCountedOnceAndTheTotalFollowsItsRealSize() {
        Progress p = progress(1000);
        Progress.Meter m = p.file(1000);
        m.whole().accept(900); // the first reading, abandoned: the file changed under it
        m.restart();
        LongConsumer second = m.whole();
        second.accept(1000);
        second.accept(500); // it grew by half while read
        tick(p);
        assertTrue(percent(last()) <= 100, "never over 100%: " + last());
        m.finish(1500);
        tick(p);
        assertEquals("backup: 1.5 KiB of 1.5 KiB (100%)", last().substring(0, last().indexOf(')') + 1), "the total follows the file");

        Progress q = progress(1000);
        q.file(1000).finish(0); // vanished before it was read
        tick(q);
        assertTrue(last().startsWith("backup: 0 B of 0 B (100%)"), last());
    }

    @Test
    void aPartCountsItsShareOfTheFile() {
        Progress p = progress(1000);
        Progress.Meter m = p.file(1000);
        LongConsumer encode = m.part(1000, 500); // read from the source while encoding: half the file's count
        LongConsumer upload = m.part(200, 500); // the encoded form, 200 bytes, uploaded: the other half
        encode.accept(1000);
        upload.accept(100);
        tick(p);
        assertEquals(75, percent(last()), last());
        upload.accept(150); // more than announced: capped at its share
        tick(p);
        assertEquals(100, percent(last()), last());
        m.finish(1000);
        tick(p);
        assertEquals(100, percent(last()), last());
    }

    @Test
    void aPhaseSaysItStillRunsUntilClosed() throws Exception {
        Progress p = new Progress(log, "backup", 0, Duration.ofMillis(20), now::get);
        try (Progress.Phase ph = p.phase("capturing webui.db (76.0 MiB)")) {
            now.addAndGet(6 * SECOND);
            long deadline = System.nanoTime() + 10 * SECOND;
            while (log.infos.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertEquals("capturing webui.db (76.0 MiB)… 6 s", log.infos.get(0));
        Thread.sleep(50); // a tick already running may finish
        int after = log.infos.size();
        Thread.sleep(100);
        assertEquals(after, log.infos.size(), "no line once the phase is closed");
    }

    private void tick(Progress p) {
        now.addAndGet(5 * SECOND);
        p.advance(0);
    }

    private String last() {
        return log.infos.get(log.infos.size() - 1);
    }

    private static int percent(String line) {
        Matcher m = PERCENT.matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }
}
