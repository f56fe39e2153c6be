package dev.owui.backup.config;

import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.CaptureEvents;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.quiesce.Command;
import dev.owui.backup.quiesce.Quiesce;
import dev.owui.backup.repo.FormatChoice;
import dev.owui.backup.store.Target;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a backup or a snapshot captures the data directory, built once from the goal's parameters
 * and validated here, before any work (a bad owui.mode, owui.format, compression or key fails
 * naming its parameter).
 *
 * @param dataDir       Open WebUI's DATA_DIR
 * @param selector      which of its files are taken
 * @param secretKeyFile the .webui_secret_key outside the data directory, or null
 * @param threads       files stored in parallel
 * @param codec         compression and encryption where owui.compression=auto means none (trees, snapshots)
 * @param codecZstd     the same where auto means zstd (format 3 backups)
 * @param full          store every file anew, sharing nothing with earlier backups
 * @param mode          owui.mode as given (hot, paused, cold), or null: the plan's, else hot
 * @param quiescing     the stop/start commands of a cold or paused capture
 * @param format        owui.format: 2, 3 or auto
 * @param stagingDir    where a capture for several targets (or a cold one) is staged first
 * @param events        told of each file the capture stores (a progress display, tests)
 */
public record CaptureConfig(Path dataDir, FileSelector selector, Path secretKeyFile, int threads, CodecSettings codec,
                            CodecSettings codecZstd, boolean full, String mode, Quiescing quiescing, FormatChoice format, Path stagingDir,
                            CaptureEvents events) {

    public CaptureConfig {
        if (mode != null && !mode.isBlank()) {
            BackupOptions.Mode.parse(mode); // a mistyped mode fails before any work
        }
        events = events == null ? CaptureEvents.NONE : events;
        selector = selector == null ? FileSelector.defaults() : selector;
    }

    /** The same configuration with {@code e} told of each stored file. */
    public CaptureConfig withEvents(CaptureEvents e) {
        return new CaptureConfig(dataDir, selector, secretKeyFile, threads, codec, codecZstd, full, mode, quiescing, format, stagingDir, e);
    }

    /** The codec of a run: {@code zstdByDefault} for format 3 backups, whose auto compression is zstd. */
    public CodecSettings codec(boolean zstdByDefault) {
        return zstdByDefault ? codecZstd : codec;
    }

    /** A capture's options at {@code target} in mode {@code m} (format 2 trees, the staging directory). */
    public BackupOptions options(Target target, String instance, BackupOptions.Mode m) {
        return new BackupOptions(dataDir, target, instance, selector, secretKeyFile, threads).withCodec(codec).withFull(full).withMode(m);
    }

    /**
     * The stop/start commands of a cold or paused capture: Docker's by default (Compose for cold,
     * docker pause for paused), or the operator's.
     *
     * @param composeFile the stack's Compose file (cold)
     * @param service     Open WebUI's Compose service (cold)
     * @param container   Open WebUI's container (paused)
     * @param stop        replaces the stop or pause command, or null
     * @param start       replaces the start or unpause command, or null
     * @param timeout     what each command may take
     * @param workDir     where the commands run
     */
    public record Quiescing(Path composeFile, String service, String container, String stop, String start, Duration timeout, Path workDir) {
        /** The commands of mode {@code m} (cold or paused). */
        public Quiesce of(BackupOptions.Mode m) {
            Quiesce q = m == BackupOptions.Mode.COLD ? Quiesce.cold(composeFile, service) : Quiesce.paused(container);
            q = q.withCommands(stop == null || stop.isBlank() ? null : Command.shell(stop), start == null || start.isBlank() ? null : Command.shell(start));
            return q.withTimeout(timeout).in(workDir);
        }
    }
}
