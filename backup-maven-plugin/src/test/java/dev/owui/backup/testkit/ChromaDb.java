package dev.owui.backup.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/**
 * Schema and row writers for {@code vector_db/chroma.sqlite3}, shaped like ChromaDB 1.x as used
 * by Open WebUI. Chroma sets no journal mode, so the file keeps SQLite's rollback journal.
 */
final class ChromaDb {

    static final String VECTOR_TYPE = "urn:chroma:segment/vector/hnsw-local-persisted";
    static final String METADATA_TYPE = "urn:chroma:segment/metadata/sqlite";
    static final String DATABASE_ID = "00000000-0000-0000-0000-000000000000";
    static final String CONFIG = "{\"hnsw_configuration\": {\"space\": \"l2\", \"ef_construction\": 100, "
            + "\"ef_search\": 100, \"num_threads\": 16, \"M\": 16, \"resize_factor\": 1.2, \"batch_size\": 100, "
            + "\"sync_threshold\": 1000, \"_type\": \"HNSWConfigurationInternal\"}, "
            + "\"_type\": \"CollectionConfigurationInternal\"}";

    /** One collection: a VECTOR segment (with a folder of HNSW files) and a METADATA segment. */
    record Collection(String id, String name, String vectorSegment, String metadataSegment) {
    }

    private static final String SCHEMA = """
            CREATE TABLE migrations (
                dir TEXT NOT NULL, version INTEGER NOT NULL, filename TEXT NOT NULL, sql TEXT NOT NULL,
                hash TEXT NOT NULL, PRIMARY KEY (dir, version));
            CREATE TABLE embeddings_queue (
                seq_id INTEGER PRIMARY KEY, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                operation INTEGER NOT NULL, topic TEXT NOT NULL, id TEXT NOT NULL, vector BLOB,
                encoding TEXT, metadata TEXT);
            CREATE TABLE embeddings_queue_config (id INTEGER PRIMARY KEY, config_json_str TEXT);
            CREATE TABLE tenants (id TEXT PRIMARY KEY, UNIQUE (id));
            CREATE TABLE databases (
                id TEXT PRIMARY KEY, name TEXT NOT NULL,
                tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE, UNIQUE (tenant_id, name));
            CREATE TABLE collections (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, dimension INTEGER,
                database_id TEXT NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
                config_json_str TEXT, schema_str TEXT, UNIQUE (name, database_id));
            CREATE TABLE collection_metadata (
                collection_id TEXT REFERENCES collections(id) ON DELETE CASCADE, key TEXT NOT NULL,
                str_value TEXT, int_value INTEGER, float_value REAL, bool_value INTEGER,
                PRIMARY KEY (collection_id, key));
            CREATE TABLE segments (
                id TEXT PRIMARY KEY, type TEXT NOT NULL, scope TEXT NOT NULL,
                collection TEXT REFERENCES collections(id) NOT NULL);
            CREATE TABLE segment_metadata (
                segment_id TEXT REFERENCES segments(id) ON DELETE CASCADE, key TEXT NOT NULL,
                str_value TEXT, int_value INTEGER, float_value REAL, bool_value INTEGER,
                PRIMARY KEY (segment_id, key));
            CREATE TABLE embeddings (
                id INTEGER PRIMARY KEY, segment_id TEXT NOT NULL, embedding_id TEXT NOT NULL,
                seq_id BLOB NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                UNIQUE (segment_id, embedding_id));
            CREATE TABLE embedding_metadata (
                id INTEGER REFERENCES embeddings(id), key TEXT NOT NULL, string_value TEXT,
                int_value INTEGER, float_value REAL, bool_value INTEGER, PRIMARY KEY (id, key));
            CREATE TABLE max_seq_id (segment_id TEXT PRIMARY KEY, seq_id BLOB NOT NULL);
            CREATE TABLE maintenance_log (id INT PRIMARY KEY, timestamp INT NOT NULL, operation TEXT NOT NULL);
            CREATE TABLE acquire_write (id INTEGER PRIMARY KEY, lock_status INTEGER NOT NULL);
            """;

    /**
     * Indexes and the full-text table, created after a bulk load: building them once over the
     * loaded rows is several times faster than maintaining them row by row.
     */
    private static final String INDEXES = """
            CREATE INDEX embedding_metadata_int_value ON embedding_metadata (key, int_value)
                WHERE int_value IS NOT NULL;
            CREATE INDEX embedding_metadata_float_value ON embedding_metadata (key, float_value)
                WHERE float_value IS NOT NULL;
            CREATE INDEX embedding_metadata_string_value ON embedding_metadata (key, string_value)
                WHERE string_value IS NOT NULL;
            CREATE VIRTUAL TABLE embedding_fulltext_search USING fts5(string_value, tokenize='trigram');
            INSERT INTO embedding_fulltext_search (rowid, string_value)
                SELECT id, string_value FROM embedding_metadata WHERE key = 'chroma:document';
            """;

    private static final String[][] MIGRATIONS = {
        {"embeddings_queue", "00001-embeddings.sqlite.sql"},
        {"embeddings_queue", "00002-embeddings-queue-config.sqlite.sql"},
        {"metadb", "00001-embedding-metadata.sqlite.sql"},
        {"metadb", "00002-embedding-metadata.sqlite.sql"},
        {"metadb", "00003-full-text-tokenize.sqlite.sql"},
        {"metadb", "00004-metadata-indices.sqlite.sql"},
        {"sysdb", "00001-collections.sqlite.sql"},
        {"sysdb", "00002-segments.sqlite.sql"},
        {"sysdb", "00003-collection-dimension.sqlite.sql"},
        {"sysdb", "00004-tenants-databases.sqlite.sql"},
        {"sysdb", "00005-remove-topic.sqlite.sql"},
        {"sysdb", "00006-collection-segment-metadata.sqlite.sql"},
        {"sysdb", "00007-collection-config.sqlite.sql"},
        {"sysdb", "00008-maintenance-log.sqlite.sql"},
        {"sysdb", "00009-segment-collection-not-null.sqlite.sql"},
    };

    private ChromaDb() {
    }

    /**
     * Creates {@code chroma.sqlite3} with tables, default tenant/database and migration rows, ready
     * for a bulk load of collections and records; {@link #finishBulkLoad} completes the schema.
     */
    static Rows create(Path file) throws SQLException {
        Rows rows = Rows.open(file, "synchronous=OFF", "cache_size=-65536");
        rows.exec(SCHEMA);
        rows.insert("tenants", "id", "default_tenant");
        rows.insert("databases", "id", DATABASE_ID, "name", "default_database", "tenant_id", "default_tenant");
        rows.insert("embeddings_queue_config", "id", 1,
                "config_json_str", "{\"automatically_purge\": true, \"_type\": \"EmbeddingsQueueConfigurationInternal\"}");
        rows.insert("acquire_write", "id", 1, "lock_status", 0);
        int version = 0;
        String dir = "";
        for (String[] m : MIGRATIONS) {
            version = m[0].equals(dir) ? version + 1 : 1;
            dir = m[0];
            String sql = "-- " + m[1] + " (fixture)\n";
            rows.insert("migrations", "dir", dir, "version", version, "filename", m[1], "sql", sql, "hash", md5(sql));
        }
        return rows;
    }

    /** Adds the indexes and the full-text table (filled from the documents) after a bulk load. */
    static void finishBulkLoad(Rows rows) throws SQLException {
        rows.exec(INDEXES);
    }

    /** Opens an existing {@code chroma.sqlite3} without changing its journal mode. */
    static Rows open(Path file) throws SQLException {
        return Rows.open(file, "busy_timeout=5000");
    }

    static void insertCollection(Rows rows, Collection c) throws SQLException {
        rows.insert("collections", "id", c.id(), "name", c.name(), "dimension", HnswSegment.DIM,
                "database_id", DATABASE_ID, "config_json_str", CONFIG, "schema_str", null);
        rows.insert("segments", "id", c.vectorSegment(), "type", VECTOR_TYPE, "scope", "VECTOR",
                "collection", c.id());
        rows.insert("segments", "id", c.metadataSegment(), "type", METADATA_TYPE, "scope", "METADATA",
                "collection", c.id());
    }

    /**
     * Adds one record as Chroma leaves it after processing: an {@code embeddings} row in the
     * METADATA segment and its metadata (document under {@code chroma:document}). When
     * {@code queued}, its entry also stays in {@code embeddings_queue}: the HNSW index has not
     * been persisted since it was added. The full-text row is separate ({@link #insertFullText}).
     */
    static void insertRecord(Rows rows, Collection c, long rowId, String embeddingId, long seq, String document,
                             Map<String, Object> metadata, boolean queued, Random random) throws SQLException {
        rows.insert("embeddings", "id", rowId, "segment_id", c.metadataSegment(), "embedding_id", embeddingId,
                "seq_id", seq, "created_at", "2025-03-01 12:00:00");
        rows.insert("embedding_metadata", "id", rowId, "key", "chroma:document", "string_value", document);
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            boolean isInt = e.getValue() instanceof Number;
            rows.insert("embedding_metadata", "id", rowId, "key", e.getKey(),
                    "string_value", isInt ? null : e.getValue(), "int_value", isInt ? e.getValue() : null);
        }
        if (queued) {
            Map<String, Object> meta = Json.obj("chroma:document", document);
            meta.putAll(metadata);
            rows.insert("embeddings_queue", "seq_id", seq, "created_at", "2025-03-01 12:00:00", "operation", 0,
                    "topic", "persistent://default_tenant/default_database/" + c.id(), "id", embeddingId,
                    "vector", vector(random), "encoding", "FLOAT32", "metadata", Json.of(meta));
        }
    }

    /** The full-text row of a record added after the bulk load. */
    static void insertFullText(Rows rows, long rowId, String document) throws SQLException {
        rows.insert("embedding_fulltext_search", "rowid", rowId, "string_value", document);
    }

    static void setMaxSeqId(Rows rows, String segmentId, long seq) throws SQLException {
        rows.update("INSERT OR REPLACE INTO max_seq_id (segment_id, seq_id) VALUES (?, ?)", segmentId, seq);
    }

    /** A 384-dimensional float32 embedding, little-endian as Chroma stores it. */
    static byte[] vector(Random random) {
        ByteBuffer b = ByteBuffer.allocate(HnswSegment.DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < HnswSegment.DIM; i++) {
            b.putFloat((float) (random.nextGaussian() * 0.05));
        }
        return b.array();
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
