package dev.owui.backup.repo.engine;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The format 3 engine over simulated days of Open WebUI use: what a local repository holds after
 * each day's backup. Run by {@code bench/repo-bench.sh}, which puts restic's repository of the
 * same data directory beside it.
 *
 * <pre>
 * RepoBenchMain --dir D --size-mb N --days K --percent P [--seed S] [--after-day 'shell command']
 * </pre>
 *
 * A day is PageBenchMain's: {@link Mutator#change} plus activity, growing chats and deleted chats
 * in webui.db. Each day is backed up (zstd-3, page maps cached in D/pagemaps) into the repository
 * D/repo/open-webui; the data directory is D/data.
 */
public final class RepoBenchMain {
    private RepoBenchMain() {
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
        Path target = root.resolve("repo");
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = Repository.open(store, "open-webui", root.resolve("scratch"), EngineLog.SILENT);
            RepoBackupRunner.Options opts = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false, root.resolve("staging"))
                    .withPageMapCache(root.resolve("pagemaps"));
            System.out.println("day\tinstance B\tfiles\treused\tobjects written\tbytes written\tchunks w/r\tms\tdatabases\trepo B");
            for (int day = 0; day <= days; day++) {
                if (day > 0) {
                    Mutator.change(data, percent, seed * 1000 + day);
                    dayOfUse(data.resolve("webui.db"), day);
                }
                long t = System.nanoTime();
                RepoBackupRunner.Result r = new RepoBackupRunner(EngineLog.SILENT).run(repo, opts);
                long ms = (System.nanoTime() - t) / 1_000_000;
                String dbs = r.databases().stream().map(d -> d.path() + ":" + d.kind() + "(" + d.changedPages() + "/" + d.pageCount() + "p,"
                        + d.layers() + "L," + d.storedBytes() + "B)").collect(Collectors.joining(" "));
                System.out.printf(Locale.ROOT, "%d\t%d\t%d\t%d\t%d\t%d\t%d/%d\t%d\t%s\t%d%n", day, bytes(data), r.files(), r.filesReused(),
                        r.objectsWritten(), r.bytesWritten(), r.chunksWritten(), r.chunksReused(), ms, dbs, bytes(target));
                if (o.containsKey("after-day")) { // the script's peer (restic) backs up the same data directory
                    ProcessBuilder pb = new ProcessBuilder("bash", "-c", o.get("after-day")).inheritIO();
                    pb.environment().put("DAY", String.valueOf(day));
                    if (pb.start().waitFor() != 0) {
                        throw new IllegalStateException("--after-day command failed on day " + day);
                    }
                }
                Thread.sleep(1000); // backup ids are times to the second
            }
        }
    }

    static long bytes(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** PageBenchMain's day of use: what Mutator does not do (activity, growing chats, deletions). */
    static void dayOfUse(Path webui, int day) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + webui.toAbsolutePath()); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE user SET last_active_at = " + (1_764_000_000L + day * 86_400L) + " + abs(random() % 86400)");
            s.executeUpdate("UPDATE chat SET chat = json_set(coalesce(chat, '{}'), '$.grown" + day + "', hex(randomblob(400))), updated_at = "
                    + (1_764_000_000L + day * 86_400L) + " WHERE abs(random() % 10) = 0");
            s.executeUpdate("DELETE FROM chat WHERE id IN (SELECT id FROM chat ORDER BY random() LIMIT 3)");
            c.commit();
        }
    }
}
