package dev.owui.backup.repo.restore;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A quick in-process timing of format 3 restore from a local repository (no Maven start-up):
 * {@code RestoreBenchMain --dir D [--size-mb N] [--threads 1,4] [--runs 3]}. The instance is
 * generated into D/data and backed up (zstd-3) into D/repo once; each run restores the newest
 * backup into a fresh D/out and prints the wall time per thread count.
 */
public final class RestoreBenchMain {
    private RestoreBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path root = Path.of(o.get("dir"));
        Path data = root.resolve("data");
        if (!Files.exists(data.resolve("webui.db"))) {
            OpenWebUiFixture.at(data).seed(1).targetBytes((long) (Double.parseDouble(o.getOrDefault("size-mb", "300")) * 1048576)).build();
        }
        try (LocalObjectStore store = new LocalObjectStore(root.resolve("repo"))) {
            Repository repo = Repository.open(store, "open-webui", root.resolve("scratch"), EngineLog.SILENT);
            if (repo.backups().list().isEmpty()) {
                new RepoBackupRunner(EngineLog.SILENT).run(repo, new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false,
                        root.resolve("staging")).withPageMapCache(root.resolve("pagemaps")));
            }
            int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int i = 0; i < runs; i++) {
                for (String t : o.getOrDefault("threads", "1,4").split(",")) { // interleaved: the machine's load drifts
                    int threads = Integer.parseInt(t);
                    Path out = root.resolve("out");
                    LocalCopies.deleteTree(out);
                    long start = System.nanoTime();
                    long cpu = os.getProcessCpuTime();
                    RepoRestore.Result r = new RepoRestore(repo).run(new RepoRestore.Options(null, out, DecryptionKeys.none(), null, null, threads));
                    System.out.printf(Locale.ROOT, "threads=%d run %d: %d files, %d bytes, %d databases in %.2f s (CPU %.2f s)%n", threads, i + 1, r.files(),
                            r.bytes(), r.databases(), (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9);
                }
            }
        }
    }
}
