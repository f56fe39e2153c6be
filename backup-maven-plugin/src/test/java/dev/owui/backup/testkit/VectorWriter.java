package dev.owui.backup.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Writes {@code vector_db/}: chroma.sqlite3 and one HNSW folder per VECTOR segment. Collections
 * are named as Open WebUI names them: {@code file-<file id>}, {@code <knowledge id>},
 * {@code user-memory-<user id>}.
 */
final class VectorWriter {

    /** Chroma re-persists HNSW files every 1000 records, so at most 999 wait in embeddings_queue. */
    private static final int SYNC_THRESHOLD = 1000;

    private final Path vectorDb;
    private final Ids ids;
    private final Random random;
    private final long scaledRecords;
    private final int collections;
    private final List<String> segmentIds = new ArrayList<>();
    private final List<String> collectionNames = new ArrayList<>();

    /** A planned collection; {@code file} is the upload a file collection was made from. */
    private record Planned(String name, int records, Generator.Upload file, String source) {
    }

    /**
     * @param scaledRecords total records to spread over one collection per upload, or -1 to make
     *                      {@code collections} small collections
     */
    VectorWriter(Path vectorDb, Ids ids, long scaledRecords, int collections) {
        this.vectorDb = vectorDb;
        this.ids = ids;
        this.random = ids.random();
        this.scaledRecords = scaledRecords;
        this.collections = collections;
    }

    List<String> segmentIds() {
        return List.copyOf(segmentIds);
    }

    List<String> collectionNames() {
        return List.copyOf(collectionNames);
    }

    /**
     * Inserts all rows in one transaction and hands each collection's HNSW folder to
     * {@code pool} as soon as its records are known; returns those folder jobs.
     */
    List<Future<?>> write(List<Generator.Upload> uploads, List<Generator.Knowledge> knowledge, String memoryUser,
                          ExecutorService pool) throws SQLException {
        List<Planned> planned = scaledRecords >= 0
                ? scaledCollections(uploads, knowledge, memoryUser) : defaultCollections(uploads, knowledge, memoryUser);
        List<Future<?>> folders = new ArrayList<>();
        try (Rows rows = ChromaDb.create(vectorDb.resolve("chroma.sqlite3"))) {
            rows.begin();
            long seq = 1;
            for (Planned p : planned) {
                seq = insertCollection(rows, p, seq, pool, folders);
            }
            ChromaDb.finishBulkLoad(rows);
            rows.commit();
        }
        return folders;
    }

    /**
     * One collection's rows. The last quarter of its records (at most 999) stays in
     * embeddings_queue and out of the HNSW files, as if added after the index was last persisted.
     */
    private long insertCollection(Rows rows, Planned p, long seq, ExecutorService pool, List<Future<?>> folders)
            throws SQLException {
        ChromaDb.Collection c = new ChromaDb.Collection(ids.uuid(), p.name(), ids.uuid(), ids.uuid());
        ChromaDb.insertCollection(rows, c);
        int indexed = p.records() - Math.min(SYNC_THRESHOLD - 1, p.records() / 4);
        List<String> indexedIds = new ArrayList<>();
        List<Long> indexedSeqs = new ArrayList<>();
        for (int r = 0; r < p.records(); r++, seq++) {
            String embeddingId = ids.uuid();
            ChromaDb.insertRecord(rows, c, seq, embeddingId, seq, Content.chunk(random), metadata(p, r),
                    r >= indexed, random);
            if (r < indexed) {
                indexedIds.add(embeddingId);
                indexedSeqs.add(seq);
            }
        }
        rows.insert("max_seq_id", "segment_id", c.vectorSegment(), "seq_id", indexed == 0 ? 0 : indexedSeqs.get(indexed - 1));
        rows.insert("max_seq_id", "segment_id", c.metadataSegment(), "seq_id", seq - 1);
        Path folder = vectorDb.resolve(c.vectorSegment());
        long folderSeed = random.nextLong();
        folders.add(pool.submit(() -> {
            HnswSegment.write(folder, indexedIds, indexedSeqs, folderSeed);
            return null;
        }));
        segmentIds.add(c.vectorSegment());
        collectionNames.add(p.name());
        return seq;
    }

    private static Map<String, Object> metadata(Planned p, int r) {
        if (p.file() == null) {
            return Json.obj("source", p.source(), "start_index", r * 900);
        }
        return Json.obj("source", p.file().name, "name", p.file().name, "file_id", p.file().id,
                "created_by", p.file().owner, "start_index", r * 900);
    }

    /** {@code collections} small collections, taking file, knowledge and memory sources in turn. */
    private List<Planned> defaultCollections(List<Generator.Upload> uploads, List<Generator.Knowledge> knowledge,
                                             String memoryUser) {
        List<Planned> files = new ArrayList<>();
        for (Generator.Upload u : uploads) {
            if (u.size > 0) {
                files.add(new Planned("file-" + u.id, 3 + random.nextInt(6), u, null));
            }
        }
        List<Planned> kbs = new ArrayList<>();
        for (Generator.Knowledge k : knowledge) {
            kbs.add(new Planned(k.id(), 3 + random.nextInt(6), null, k.name()));
        }
        List<List<Planned>> kinds = List.of(files, kbs, List.of(new Planned("user-memory-" + memoryUser, 3, null, "memory")));
        List<Planned> out = new ArrayList<>();
        for (int round = 0; round < Math.max(1, Math.max(files.size(), kbs.size())); round++) {
            for (List<Planned> kind : kinds) {
                if (round < kind.size() && out.size() < collections) {
                    out.add(kind.get(round));
                }
            }
        }
        while (out.size() < collections) {   // more asked for than there are sources
            out.add(new Planned("web-search-" + ids.hex(16), 3 + random.nextInt(6), null, "https://example.org/"));
        }
        return out;
    }

    /** One collection per non-empty upload and per knowledge base, records in proportion to bytes. */
    private List<Planned> scaledCollections(List<Generator.Upload> uploads, List<Generator.Knowledge> knowledge,
                                            String memoryUser) {
        long uploadTotal = Math.max(1, uploads.stream().mapToLong(u -> u.size).sum());
        List<Planned> out = new ArrayList<>();
        for (Generator.Upload u : uploads) {
            if (u.size > 0) {
                out.add(new Planned("file-" + u.id, records(85, u.size, uploadTotal), u, null));
            }
        }
        // Knowledge collections re-embed their files' chunks: 15% of the records.
        long kbTotal = Math.max(1, knowledge.stream().flatMap(k -> k.files().stream()).mapToLong(u -> u.size).sum());
        for (Generator.Knowledge k : knowledge) {
            long size = k.files().stream().mapToLong(u -> u.size).sum();
            out.add(new Planned(k.id(), records(15, size, kbTotal), null, k.name()));
        }
        out.add(new Planned("user-memory-" + memoryUser, 3, null, "memory"));
        return out;
    }

    private int records(int percent, long part, long whole) {
        return (int) Math.max(1, scaledRecords * percent / 100 * part / whole);
    }

    /** A folder left behind by a deleted collection: HNSW files but no segments row. */
    String writeStaleFolder(Ids plan) throws IOException {
        String id = plan.uuid();
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stale.add(plan.uuid());
        }
        HnswSegment.write(vectorDb.resolve(id), stale, List.of(1L, 2L, 3L, 4L, 5L), plan.random().nextLong());
        return id;
    }
}
