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
 * @param postgres     for an instance whose database is in PostgreSQL: its dumps, server and
 *                     pg_dump versions and what each dump held; null for SQLite instances
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupHead(String format, int formatVersion, String toolVersion, String instance, String backupId, String host,
                         String dataDir, String mode, Instant startedAt, Instant finishedAt, InstanceFacts openWebUi,
                         Manifest.Totals totals, Manifest.StorageSettings storage, String chunkStorage, String findings,
                         List<ChunkRef> chunks, List<PgDump> postgres) {
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

    /**
     * One database dumped with pg_dump (FORMAT.md, "PostgreSQL instances"). Never a password.
     *
     * @param role          "openwebui" (DATABASE_URL) or "pgvector" (PGVECTOR_DB_URL, when separate)
     * @param path          the entry path of the dump: the file (custom format) or the folder
     *                      whose pg-dump entries are the directory format's files
     * @param format        "custom" or "directory"
     * @param server        host:port/database it was read from
     * @param serverVersion the server's version (server_version)
     * @param pgDumpMajor   the major version of the pg_dump that wrote it (pg_restore must be as new)
     * @param schemaRevision alembic_version in the dump's snapshot (null for pgvector)
     * @param counts        the row counts read in the dump's snapshot
     * @param normalized    true when the dump's creation time was fixed (identical dumps of unchanged data)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PgDump(String role, String path, String format, String server, String serverVersion, int pgDumpMajor,
                         String schemaRevision, java.util.Map<String, Long> counts, boolean normalized) {
        /** The role of the Open WebUI database's dump (the other is {@code pgvector}). */
        public static final String MAIN = "openwebui";

        /** The commands that restore this dump, a local copy at {@code dump}, by hand (FORMAT.md, "By hand"). */
        public String byHand(java.nio.file.Path dump) {
            String db = MAIN.equals(role) ? "openwebui" : "pgvector";
            return "createdb -T template0 " + db + " && pg_restore --no-owner --exit-on-error "
                    + ("directory".equals(format) ? "-j 4" : "--single-transaction") + " -d " + db + " '" + dump + "'";
        }
    }

    /** The same head with its dumps recorded. */
    public BackupHead withPostgres(List<PgDump> dumps) {
        return new BackupHead(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, chunkStorage, findings, chunks, dumps == null || dumps.isEmpty() ? null : List.copyOf(dumps));
    }

    /** The same head with its chunks (what the writer fills in). */
    public BackupHead withChunks(String chunkStorage, List<ChunkRef> chunks, String findings) {
        return new BackupHead(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, chunkStorage, findings, List.copyOf(chunks), postgres);
    }

    /** A head with these facts and no chunks yet, for {@link BackupWriter#finish}. */
    public static BackupHead of(String toolVersion, String instance, String backupId, String host, String dataDir, String mode,
                                Instant startedAt, Instant finishedAt, InstanceFacts openWebUi, Manifest.Totals totals,
                                Manifest.StorageSettings storage) {
        return new BackupHead(FORMAT, FORMAT_VERSION, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, null, null, List.of(), null);
    }
}
