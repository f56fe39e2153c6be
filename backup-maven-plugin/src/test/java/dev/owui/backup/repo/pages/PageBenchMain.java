package dev.owui.backup.repo.pages;

import com.github.luben.zstd.ZstdOutputStream;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What page storage costs for the databases over simulated days of Open WebUI use, against
 * storing each capture whole (formats 1 and 2). Run by {@code bench/page-bench.sh}, which puts
 * restic's repository growth for the same captures beside it.
 *
 * <pre>
 * PageBenchMain --dir D --size-mb N --days K --percent P [--seed S] [--after-day 'shell command']
 * </pre>
 *
 * A day: {@link Mutator#change} (new uploads, chats, a growing vector segment), then what it does
 * not do: every user's last_active_at, a tenth of the chats grow (their JSON rewritten longer), a
 * few chats deleted. Both databases are captured with the backup API into {@code D/captures/current}
 * (where the script's restic reads them), and stored our way into {@code D/objects}: zstd-3 objects
 * named by their SHA-256, an image or a page set by {@link LayerPolicy}.
 */
public final class PageBenchMain {
    private PageBenchMain() {
    }

    record State(PageMap map, List<List<Run>> sets) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path root = Path.of(o.get("dir"));
        Path data = root.resolve("data");
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        int days = Integer.parseInt(o.getOrDefault("days", "7"));
        double percent = Double.parseDouble(o.getOrDefault("percent", "2"));
        if (!Files.exists(data.resolve("webui.db"))) {
            OpenWebUiFixture.at(data).seed(seed).targetBytes((long) (Double.parseDouble(o.getOrDefault("size-mb", "200")) * 1048576)).build();
        }
        Path captures = root.resolve("captures").resolve("current");
        Path objects = root.resolve("objects");
        Files.createDirectories(captures);
        Files.createDirectories(objects);
        String[] dbs = {"webui.db", "vector_db/chroma.sqlite3"};
        Map<String, State> previous = new HashMap<>();
        long oursTotal = 0;
        long wholeTotal = 0;
        System.out.println("day\tdatabase\tpages\tpage size\tchanged pages\tlayers\tdecision\twhole zstd B\tours B\tmap ms");
        for (int day = 0; day <= days; day++) {
            if (day > 0) {
                Mutator.change(data, percent, seed * 1000 + day);
                dayOfUse(data.resolve("webui.db"), day);
            }
            for (String db : dbs) {
                Path image = captures.resolve(db.replace('/', '_'));
                SqliteCapture.capture(data.resolve(db), image, db);
                long t = System.nanoTime();
                PageMap map = PageMap.of(image);
                long mapMs = (System.nanoTime() - t) / 1_000_000;
                State prev = previous.get(db);
                LayerPolicy.Decision d = LayerPolicy.decide(prev == null ? null : prev.map, prev == null ? List.of() : prev.sets, map, false);
                long changed = prev == null || prev.map.pageSize() != map.pageSize() ? map.pageCount() : Runs.pages(Runs.ofAscending(prev.map.changedIn(map)));
                long whole = zstdSize(image, null);
                long ours;
                List<List<Run>> sets = new ArrayList<>();
                switch (d.kind()) {
                    case IMAGE -> ours = storeObject(objects, image, null);
                    case SAME -> {
                        ours = 0;
                        sets.addAll(prev.sets);
                    }
                    case APPEND -> {
                        sets.addAll(prev.sets);
                        sets.add(d.runs());
                        ours = storeObject(objects, image, d.runs());
                    }
                    default -> { // COMPACT
                        sets.add(d.runs());
                        ours = storeObject(objects, image, d.runs());
                    }
                }
                ours += storePageMap(objects, map);
                previous.put(db, new State(map, sets));
                oursTotal += ours;
                wholeTotal += whole;
                System.out.printf(Locale.ROOT, "%d\t%s\t%d\t%d\t%d (%.1f%%)\t%d\t%s\t%d\t%d\t%d%n", day, db, map.pageCount(), map.pageSize(),
                        changed, 100.0 * changed / map.pageCount(), 1 + sets.size(), d.kind(), whole, ours, mapMs);
            }
            if (o.containsKey("after-day")) { // the script's peer (restic) backs up the same captures
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", o.get("after-day")).inheritIO();
                pb.environment().put("DAY", String.valueOf(day));
                if (pb.start().waitFor() != 0) {
                    throw new IllegalStateException("--after-day command failed on day " + day);
                }
            }
        }
        System.out.printf(Locale.ROOT, "TOTAL\twhole-zstd\t%d\tours\t%d\tratio\t%.3f%n", wholeTotal, oursTotal, (double) oursTotal / wholeTotal);
    }

    /**
     * The simulated day's changes that Mutator does not make: activity, growing chats, deletions.
     * Public for {@code FixtureMain day} (bench/format3-bench.sh makes the same day).
     */
    public static void dayOfUse(Path webui, int day) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + webui.toAbsolutePath()); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE user SET last_active_at = " + (1_764_000_000L + day * 86_400L) + " + abs(random() % 86400)");
            s.executeUpdate("UPDATE chat SET chat = json_set(coalesce(chat, '{}'), '$.grown" + day + "', hex(randomblob(400))), updated_at = "
                    + (1_764_000_000L + day * 86_400L) + " WHERE abs(random() % 10) = 0");
            s.executeUpdate("DELETE FROM chat WHERE id IN (SELECT id FROM chat ORDER BY random() LIMIT 3)");
            c.commit();
        }
    }

    /** Stores the image (runs null) or a page set as a zstd-3 object named by its hash; returns bytes added. */
    private static long storeObject(Path objects, Path image, List<Run> runs) throws IOException {
        Path tmp = Files.createTempFile(objects, "obj", ".tmp");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(tmp), 3)) {
            if (runs == null) {
                Files.copy(image, out);
            } else {
                PageSets.write(image, PageMap.of(image).pageSize(), runs, out);
            }
        }
        return moveToName(objects, tmp);
    }

    private static long storePageMap(Path objects, PageMap map) throws IOException {
        Path tmp = Files.createTempFile(objects, "map", ".tmp");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(tmp), 3)) {
            map.write(out);
        }
        return moveToName(objects, tmp);
    }

    private static long moveToName(Path objects, Path tmp) throws IOException {
        String name = PageSets.sha256(tmp);
        Path dest = objects.resolve(name.substring(0, 2)).resolve(name);
        if (Files.exists(dest)) {
            Files.delete(tmp);
            return 0;
        }
        Files.createDirectories(dest.getParent());
        long size = Files.size(tmp);
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        return size;
    }

    private static long zstdSize(Path file, Object unused) throws IOException {
        long[] n = new long[1];
        try (OutputStream out = new ZstdOutputStream(new OutputStream() {
            @Override
            public void write(int b) {
                n[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n[0] += len;
            }
        }, 3)) {
            Files.copy(file, out);
        }
        return n[0];
    }
}
