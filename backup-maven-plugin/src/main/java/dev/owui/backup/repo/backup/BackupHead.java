package dev.owui.backup.repo.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import java.time.Instant;
import java.util.List;

/**
 * {@code backups/<id>.json}: a backup's head, written last; no head, no backup.
 *
 * @param chunkStorage how the chunks are encoded: zstd, or zstd+pgp with owui.encryptManifest
 * @param findings     with owui.encryptManifest, the object holding the findings (which name
 *                     uploads), encoded as {@code chunkStorage}; {@code openWebUi} then keeps
 *                     only the schema revision and counts
 * @param chunks       the entry chunks in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupHead(String format, int formatVersion, String toolVersion, String instance, String backupId, String host,
                         String dataDir, String mode, Instant startedAt, Instant finishedAt, InstanceFacts openWebUi,
                         Manifest.Totals totals, Manifest.StorageSettings storage, String chunkStorage, String findings,
                         List<ChunkRef> chunks) {
    public static final String FORMAT = Manifest.FORMAT;
    public static final int FORMAT_VERSION = 3;

    /**
     * One chunk of entries.
     *
     * @param object  the chunk's object (SHA-256 of its stored bytes)
     * @param sha256  SHA-256 of its JSON Lines before encoding: what lets a later backup reuse an
     *                encrypted chunk whose object name differs each time it is written
     * @param entries how many entries it holds
     * @param first   the path of its first entry
     */
    public record ChunkRef(String object, String sha256, int entries, String first) {
    }

    /** The same head with its chunks (what the writer fills in). */
    public BackupHead withChunks(String chunkStorage, List<ChunkRef> chunks, String findings) {
        return new BackupHead(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, chunkStorage, findings, List.copyOf(chunks));
    }

    /** A head with these facts and no chunks yet, for {@link BackupWriter#finish}. */
    public static BackupHead of(String toolVersion, String instance, String backupId, String host, String dataDir, String mode,
                                Instant startedAt, Instant finishedAt, InstanceFacts openWebUi, Manifest.Totals totals,
                                Manifest.StorageSettings storage) {
        return new BackupHead(FORMAT, FORMAT_VERSION, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, null, null, List.of());
    }
}
