package dev.owui.backup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Changes a generated data directory the way a day of use does, for incremental-backup tests:
 * new uploads with their {@code file} rows, new chats in webui.db, and one vector segment that
 * grows (data_level0.bin, length.bin and link_lists.bin appended, header.bin and
 * index_metadata.pickle rewritten) with matching rows in chroma.sqlite3. No other file is
 * opened, so their contents and mtimes stay as they were.
 */
public final class Mutator {

    private static final double UPLOAD_SHARE = 0.60;
    private static final double CHAT_SHARE = 0.15;
    private static final int MESSAGES_PER_CHAT = 6;

    /**
     * What {@link #change} did.
     *
     * @param bytesAdded     new upload bytes + growth of the segment files and both databases
     * @param addedFiles     new files, relative to the data directory
     * @param modifiedFiles  changed existing files, relative to the data directory
     * @param chatsAdded     chats inserted into webui.db (each with 6 messages)
     * @param embeddingsAdded records added to the vector segment and chroma.sqlite3
     * @param segmentId      the VECTOR segment that grew, or null when there is no collection
     */
    public record Change(long bytesAdded, List<String> addedFiles, List<String> modifiedFiles, int chatsAdded,
                         int embeddingsAdded, String segmentId) {
    }

    private Mutator() {
    }

    /**
     * Adds about {@code percent}% of the directory's current size. The same directory and seed
     * always give the same change; two calls with one seed still differ (the size is mixed in).
     */
    public static Change change(Path dataDir, double percent, long seed) throws IOException, SQLException {
        long total = Generator.totals(dataDir)[1];
        long budget = (long) (total * percent / 100);
        Ids ids = new Ids(new Random(seed * 31 + total));
        Path webui = dataDir.resolve("webui.db");
        Path chroma = dataDir.resolve("vector_db").resolve("chroma.sqlite3");
        long dbSizes = Files.size(webui) + Files.size(chroma);

        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>(List.of("webui.db"));
        long uploadBytes = addUploadsAndChats(dataDir, ids, (long) (budget * UPLOAD_SHARE),
                (long) (budget * CHAT_SHARE), added);
        int chats = chatCount((long) (budget * CHAT_SHARE));
        SegmentGrowth growth = growSegment(dataDir, ids, budget - (long) (budget * (UPLOAD_SHARE + CHAT_SHARE)));
        if (growth.records() > 0) {
            modified.add("vector_db/chroma.sqlite3");
            growth.files().forEach(f -> modified.add("vector_db/" + growth.segmentId() + "/" + f));
        }

        long dbGrowth = Files.size(webui) + Files.size(chroma) - dbSizes;
        return new Change(uploadBytes + growth.bytes() + dbGrowth, added, modified, chats, growth.records(),
                growth.segmentId());
    }

    /** Writes new uploads (10-500 KB each) and inserts their rows and some chats in one transaction. */
    private static long addUploadsAndChats(Path dataDir, Ids ids, long uploadBudget, long chatBudget,
                                           List<String> added) throws IOException, SQLException {
        Random random = ids.random();
        try (Rows rows = WebUiDb.open(dataDir.resolve("webui.db"))) {
            List<String> users = strings(rows, "SELECT id FROM user ORDER BY created_at, id");
            long existing = LiveInstance.queryLong(rows, "SELECT count(*) FROM file");
            long written = 0;
            rows.begin();
            for (int i = 0; written < uploadBudget || i == 0; i++) {
                long size = Math.min(Math.max(1, uploadBudget - written), (long) (10_000 * Math.pow(50, random.nextDouble())));
                String id = ids.uuid();
                String name = Names.regular(random, (int) existing + i, size);
                String stored = Names.stored(id, name);
                String sha = Content.write(dataDir.resolve("uploads").resolve(stored), size, random.nextLong(),
                        Names.kind(name));
                WebUiDb.insertFile(rows, id, users.get(random.nextInt(users.size())), name, stored, size, sha,
                        Content.extracted(random, size), ids.time(150));
                added.add("uploads/" + stored);
                written += size;
            }
            for (int c = 0; c < chatCount(chatBudget); c++) {
                WebUiDb.insertChat(rows, ids, ids.uuid(), users.get(random.nextInt(users.size())),
                        Content.text(random, 24), MESSAGES_PER_CHAT, Ids.EPOCH + 150 * 86_400L, null);
            }
            rows.commit();
            return written;
        }
    }

    private static int chatCount(long chatBudget) {
        return (int) Math.max(1, chatBudget / (MESSAGES_PER_CHAT * Generator.BYTES_PER_MESSAGE));
    }

    private record SegmentGrowth(String segmentId, int records, long bytes, List<String> files) {
    }

    /**
     * Adds records to one collection as if Chroma had processed and persisted them: rows in
     * chroma.sqlite3, elements appended to the collection's HNSW files, max_seq_id advanced and
     * the now-indexed queue entries purged.
     */
    private static SegmentGrowth growSegment(Path dataDir, Ids ids, long budget) throws IOException, SQLException {
        Path vectorDb = dataDir.resolve("vector_db");
        try (Rows rows = ChromaDb.open(vectorDb.resolve("chroma.sqlite3"))) {
            ChromaDb.Collection c = pickCollection(rows, vectorDb, ids.random());
            if (c == null) {   // no collections (e.g. vectorCollections(0)): nothing to grow
                return new SegmentGrowth(null, 0, 0, List.of());
            }
            Path folder = vectorDb.resolve(c.vectorSegment());
            long before = folderSize(folder);
            List<String> embeddingIds = strings(rows,
                    "SELECT embedding_id FROM embeddings WHERE segment_id = ? ORDER BY seq_id", c.metadataSegment());
            List<Long> seqs = new ArrayList<>();
            for (String s : strings(rows, "SELECT seq_id FROM embeddings WHERE segment_id = ? ORDER BY seq_id",
                    c.metadataSegment())) {
                seqs.add(Long.parseLong(s));
            }
            long seq = LiveInstance.queryLong(rows, "SELECT max(m) FROM (SELECT max(seq_id) m FROM embeddings "
                    + "UNION ALL SELECT max(seq_id) FROM embeddings_queue)") + 1;
            long rowId = LiveInstance.queryLong(rows, "SELECT max(id) FROM embeddings") + 1;
            int n = (int) Math.max(1, budget / Generator.BYTES_PER_RECORD);
            rows.begin();
            for (int i = 0; i < n; i++, seq++, rowId++) {
                String id = ids.uuid();
                String document = Content.chunk(ids.random());
                ChromaDb.insertRecord(rows, c, rowId, id, seq, document,
                        Json.obj("source", "update", "start_index", i * 900), false, ids.random());
                ChromaDb.insertFullText(rows, rowId, document);
                embeddingIds.add(id);
                seqs.add(seq);
            }
            ChromaDb.setMaxSeqId(rows, c.vectorSegment(), seq - 1);
            ChromaDb.setMaxSeqId(rows, c.metadataSegment(), seq - 1);
            rows.update("DELETE FROM embeddings_queue WHERE topic = ? AND seq_id < ?",
                    "persistent://default_tenant/default_database/" + c.id(), seq);
            rows.commit();
            long linkLists = Files.size(folder.resolve("link_lists.bin"));
            HnswSegment.append(folder, embeddingIds, seqs, HnswSegment.elementCount(folder), ids.random().nextLong());
            List<String> files = new ArrayList<>(List.of(HnswSegment.FILES));
            if (Files.size(folder.resolve("link_lists.bin")) == linkLists) {
                files.remove("link_lists.bin");
            }
            return new SegmentGrowth(c.vectorSegment(), n, folderSize(folder) - before, files);
        }
    }

    /** A random collection whose VECTOR segment has a folder, or null if there is none. */
    private static ChromaDb.Collection pickCollection(Rows rows, Path vectorDb, Random random) throws SQLException {
        List<ChromaDb.Collection> found = new ArrayList<>();
        String sql = "SELECT c.id, c.name, v.id, m.id FROM collections c "
                + "JOIN segments v ON v.collection = c.id AND v.scope = 'VECTOR' "
                + "JOIN segments m ON m.collection = c.id AND m.scope = 'METADATA' ORDER BY c.id";
        try (PreparedStatement ps = rows.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (Files.isDirectory(vectorDb.resolve(rs.getString(3)))) {
                    found.add(new ChromaDb.Collection(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return found.isEmpty() ? null : found.get(random.nextInt(found.size()));
    }

    private static List<String> strings(Rows rows, String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = rows.connection().prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static long folderSize(Path folder) throws IOException {
        return Generator.totals(folder)[1];
    }
}
