package dev.owui.backup.testkit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Command line for fixtures (benchmarks, quickstart):
 *
 * <pre>
 * generate --dir D --size-mb N [--seed S]   about N MiB, scaled like a real instance
 * mutate   --dir D --percent P [--seed S]   a day of use touching about P% of the bytes
 * day      --dir D --percent P --day N [--seed S]   the simulated day of the page and repository
 *                                          benchmarks: mutate (seed S*1000+N), then every user's
 *                                          last_active_at, a tenth of the chats grown, 3 chats deleted
 * sample   --dir D                          the small default instance (well under 1 MB)
 * </pre>
 */
public final class FixtureMain {

    private FixtureMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("missing command");
        }
        Map<String, String> opts = options(args);
        Path dir = Path.of(required(opts, "dir"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        switch (args[0]) {
            case "generate" -> {
                long bytes = (long) (Double.parseDouble(required(opts, "size-mb")) * 1024 * 1024);
                print("generated", OpenWebUiFixture.at(dir).seed(seed).targetBytes(bytes).build());
            }
            case "sample" -> print("sample", OpenWebUiFixture.at(dir).build());
            case "mutate" -> {
                long started = System.nanoTime();
                Mutator.Change c = Mutator.change(dir, Double.parseDouble(required(opts, "percent")), seed);
                System.out.printf(Locale.ROOT, "mutated %s: %d bytes added, %d new files, %d modified files, "
                                + "%d chats, %d embeddings (segment %s) in %.1f s%n", dir, c.bytesAdded(),
                        c.addedFiles().size(), c.modifiedFiles().size(), c.chatsAdded(), c.embeddingsAdded(),
                        c.segmentId(), (System.nanoTime() - started) / 1e9);
            }
            case "day" -> {
                long started = System.nanoTime();
                int day = Integer.parseInt(required(opts, "day"));
                Mutator.Change c = Mutator.change(dir, Double.parseDouble(required(opts, "percent")), seed * 1000 + day);
                dev.owui.backup.repo.pages.PageBenchMain.dayOfUse(dir.resolve("webui.db"), day);
                System.out.printf(Locale.ROOT, "day %d of %s: %d bytes added, %d new files, %d modified files, "
                                + "%d chats, %d embeddings (segment %s), every user active, a tenth of the chats grown, 3 deleted in %.1f s%n",
                        day, dir, c.bytesAdded(), c.addedFiles().size(), c.modifiedFiles().size(), c.chatsAdded(), c.embeddingsAdded(),
                        c.segmentId(), (System.nanoTime() - started) / 1e9);
            }
            default -> usage("unknown command " + args[0]);
        }
    }

    private static void print(String what, Fixture f) {
        System.out.printf(Locale.ROOT, "%s %s: %d files, %d bytes (%.1f MiB) in %.1f s%n", what, f.dataDir(),
                f.totalFiles(), f.totalBytes(), f.totalBytes() / 1048576.0, f.elapsed().toMillis() / 1000.0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("bad option " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            usage("missing --" + name);
        }
        return v;
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: generate --dir D --size-mb N [--seed S]");
        System.err.println("       mutate --dir D --percent P [--seed S]");
        System.err.println("       day --dir D --percent P --day N [--seed S]");
        System.err.println("       sample --dir D");
        System.exit(2);
    }
}
