package dev.owui.backup.codec;

import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.format.Storage;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.LocalTarget;
import java.nio.file.Path;
import java.util.List;

/**
 * One first backup through the engine with the given storage, for bench/codec-bench.sh (which
 * times the whole JVM). Without Maven: its start-up is the same for every variant and would only
 * blur the comparison.
 *
 * <p>Usage: {@code CodecBenchMain <dataDir> <targetDir> <plain|zstd|pgp|zstd+pgp> <level> [threads]};
 * the passphrase for pgp comes from the environment variable OWUI_BENCH_PASSPHRASE.
 */
public final class CodecBenchMain {
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        Path targetDir = Path.of(args[1]);
        String storage = args[2];
        int level = Integer.parseInt(args[3]);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        CodecSettings codec = new CodecSettings(Storage.isCompressed(storage), level, null);
        if (Storage.isEncrypted(storage)) {
            String pass = System.getenv("OWUI_BENCH_PASSPHRASE");
            codec = codec.encryptedTo(EncryptionKeys.of(pass.toCharArray(), List.of()));
        }
        EngineLog quiet = new EngineLog() {
            @Override
            public void info(String line) {
            }

            @Override
            public void warn(String line) {
                System.err.println("WARN " + line);
            }
        };
        BackupOptions o = new BackupOptions(data, new LocalTarget(targetDir, targetDir.toString(), true), "bench",
                FileSelector.defaults(), null, threads).withCodec(codec);
        BackupResult r = new BackupRunner(quiet).run(o);
        long stored = r.manifest().files().stream().filter(e -> e.hasContent())
                .mapToLong(e -> e.storedSize() != null ? e.storedSize() : e.size()).sum();
        // bytes of content, bytes stored (sum over files, manifest excluded), files
        System.out.println(r.manifest().totals().bytes() + "\t" + stored + "\t" + r.manifest().totals().files());
    }

    private CodecBenchMain() {
    }
}
