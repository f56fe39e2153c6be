package dev.owui.backup.repo.engine;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Locale;
import java.util.UUID;

/**
 * Many small uploads for {@code bench/scale-bench.sh}.
 *
 * <pre>
 * ScaleBenchMain generate DATA N   a small generated instance with N more tiny uploads, each with its file row
 * ScaleBenchMain backup DATA REPO  one format 3 backup (zstd-3) of DATA into the local repository REPO
 * </pre>
 *
 * The uploads are written directly (the fixture's generator makes realistic ones, too slowly for
 * a million) flat in uploads/ as Open WebUI keeps them, named {@code <uuid>_note-<i>.txt}, with a
 * row in webui.db's file table each, so the backup's cross-check finds every upload's row (an
 * instance with a million uploads has a million rows).
 */
public final class ScaleBenchMain {
    private ScaleBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        if (args[0].equals("generate")) {
            int n = Integer.parseInt(args[2]);
            OpenWebUiFixture.at(data).seed(1).build();
            Path uploads = data.resolve("uploads");
            Files.createDirectories(uploads);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db"))) {
                c.setAutoCommit(false);
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO file (id, user_id, filename, path, created_at, updated_at) VALUES (?, 'bench', ?, ?, 0, 0)")) {
                    for (int i = 0; i < n; i++) {
                        UUID id = new UUID(0x5ca1eL, i);
                        String name = "note-" + i + ".txt";
                        String stored = id + "_" + name;
                        Files.write(uploads.resolve(stored), ("small upload " + i + "\n").getBytes(StandardCharsets.UTF_8));
                        p.setString(1, id.toString());
                        p.setString(2, name);
                        p.setString(3, "/app/backend/data/uploads/" + stored);
                        p.addBatch();
                        if (i % 10_000 == 9_999) {
                            p.executeBatch();
                        }
                    }
                    p.executeBatch();
                }
                c.commit();
            }
            return;
        }
        Path target = Path.of(args[2]);
        long t = System.nanoTime();
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = Repository.open(store, "open-webui", target.resolveSibling(target.getFileName() + ".scratch"), EngineLog.SILENT);
            RepoBackupRunner.Options opts = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false,
                    target.resolveSibling(target.getFileName() + ".staging"));
            RepoBackupRunner.Result r = new RepoBackupRunner(EngineLog.SILENT).run(repo, opts);
            System.out.printf(Locale.ROOT, "backup %s: %d files, %d reused, %d objects written (%d B), chunks %d written/%d reused,"
                            + " %d ms, phases ms %s, heap used %d MiB, warnings %d%n",
                    r.backupId(), r.files(), r.filesReused(), r.objectsWritten(), r.bytesWritten(), r.chunksWritten(), r.chunksReused(),
                    (System.nanoTime() - t) / 1_000_000, r.phases().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList(),
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, r.warnings().size());
        }
    }
}
