package dev.owui.backup.capture;

import static dev.owui.backup.TestSupport.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live progress of a backup: lines while one large file is stored, and while a database is captured. */
class BackupProgressTest {
    private static final Pattern LINE = Pattern.compile("^backup: ([\\d.]+) (B|KiB|MiB|GiB) of ([\\d.]+) (B|KiB|MiB|GiB) \\((\\d+)%\\)");
    private static final long MIB = 1 << 20;
    private static final long BIG = 300 * MIB;

    @TempDir
    Path tmp;

    @Test
    void linesShowALargeFileMovingBeforeItIsStored() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).uploads(10).build();
        Path big = f.dataDir().resolve("uploads/big.bin");
        byte[] block = new byte[(int) MIB];
        new Random(7).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long i = 0; i < BIG / MIB; i++) {
                out.write(block); // every byte written: nothing sparse the copy could skip
            }
        }
        long others;
        try (Stream<Path> s = Files.walk(f.dataDir())) {
            others = s.filter(Files::isRegularFile).filter(p -> !p.equals(big)).mapToLong(p -> p.toFile().length()).sum();
        }

        RecordingLog log = new RecordingLog();
        AtomicInteger linesWhenBigStored = new AtomicInteger(-1);
        CaptureEvents listener = e -> {
            if (e.path().equals("uploads/big.bin")) {
                linesWhenBigStored.set(log.infos.size());
            }
        };
        new BackupRunner(log, listener).progressEvery(Duration.ofMillis(50)).run(options(f.dataDir(), TestSupport.target(tmp.resolve("backups"))));

        assertTrue(linesWhenBigStored.get() >= 0, "the large file was stored");
        List<Long> during = new ArrayList<>(); // bytes done in lines logged before the large file was stored
        for (String line : log.infos.subList(0, linesWhenBigStored.get())) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                int pct = Integer.parseInt(m.group(5));
                long done = bytes(m.group(1), m.group(2));
                if (pct > 0 && pct < 100 && done > others + MIB) { // more than every other file: part of the large one
                    during.add(done);
                }
            }
        }
        assertTrue(during.stream().distinct().count() >= 2,
                "at least two lines, each further along, while the 300 MiB file was being stored: " + during + " in " + log.infos);
        for (String line : log.infos) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                assertTrue(Integer.parseInt(m.group(5)) <= 100, line);
                assertTrue(bytes(m.group(1), m.group(2)) <= bytes(m.group(3), m.group(4)), "never more done than the total: " + line);
            }
        }
    }

    @Test
    void aSlowDatabaseCaptureSaysItIsStillRunning() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).uploads(3).build();
        RecordingLog log = new RecordingLog();
        CaptureEvents slow = new CaptureEvents() {
            @Override
            public void stored(FileEntry entry) {
            }

            @Override
            public void capturing(String rel) {
                if (rel.equals(DataDirectory.MAIN_DB)) {
                    try {
                        Thread.sleep(400); // as a large webui.db would take SQLite's backup API
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        new BackupRunner(log, slow).progressEvery(Duration.ofMillis(50)).run(options(f.dataDir(), TestSupport.target(tmp.resolve("backups"))));

        Pattern capture = Pattern.compile("^capturing webui\\.db \\([\\d.]+ (B|KiB|MiB)\\)… \\d+ s$");
        long lines = log.infos.stream().filter(l -> capture.matcher(l).matches()).count();
        assertTrue(lines >= 2, "capture lines while SQLite copies webui.db: " + log.infos);
        int last = -1;
        for (int i = 0; i < log.infos.size(); i++) {
            if (capture.matcher(log.infos.get(i)).matches()) {
                last = i;
            }
        }
        Thread.sleep(200);
        long after = log.infos.stream().filter(l -> capture.matcher(l).matches()).count();
        assertEquals(lines, after, "no capture line once the capture is over (last at " + last + ")");
    }

    private static long bytes(String number, String unit) {
        double v = Double.parseDouble(number);
        return (long) switch (unit) {
            case "KiB" -> v * 1024;
            case "MiB" -> v * MIB;
            case "GiB" -> v * MIB * 1024;
            default -> v;
        };
    }
}
