package dev.owui.backup.repo.engine;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One format 3 backup as {@code mvn owui:backup} runs it (no compression, 4 threads, the page-map
 * cache and capture space under HOME), without Maven's start-up, for timing the backup after a
 * day of use in a plain process (bench/format3-bench.sh measures the same through Maven):
 *
 * <pre>DayBenchMain DATA REPO HOME</pre>
 */
public final class DayBenchMain {
    private DayBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Path home = Path.of(args[2]);
        long t = System.nanoTime();
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = Repository.open(store, "open-webui", home.resolve("scratch"), EngineLog.SILENT);
            RepoBackupRunner.Options opts = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.plain(), false,
                    home.resolve("capture")).withPageMapCache(home.resolve("pagemaps"));
            RepoBackupRunner.Result r = new RepoBackupRunner(EngineLog.SILENT).run(repo, opts);
            System.out.printf(Locale.ROOT, "backup %s: %d files, %d reused, %d objects written (%d B), chunks %d written/%d reused,"
                            + " %d ms, phases ms %s, databases %s%n",
                    r.backupId(), r.files(), r.filesReused(), r.objectsWritten(), r.bytesWritten(), r.chunksWritten(), r.chunksReused(),
                    (System.nanoTime() - t) / 1_000_000, r.phases().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList(),
                    r.databases());
        }
    }
}
