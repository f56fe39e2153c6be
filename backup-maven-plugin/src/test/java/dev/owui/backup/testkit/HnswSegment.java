package dev.owui.backup.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The files of one persisted Chroma HNSW segment folder, laid out like hnswlib's index split the
 * way Chroma persists it: {@code header.bin} (index parameters), {@code data_level0.bin} (one
 * fixed-size element per record: level-0 links, vector, label), {@code length.bin} (size of each
 * element's upper-level link list), {@code link_lists.bin} (those lists) and
 * {@code index_metadata.pickle} (id/label/seq maps). File sizes grow linearly with the records.
 */
final class HnswSegment {

    static final int DIM = 384;                                  // all-MiniLM-L6-v2, Open WebUI's default
    static final int M = 16;
    static final int MAX_M0 = 2 * M;
    static final int LINKS0 = 4 + MAX_M0 * 4;                   // count + neighbour ids at level 0
    static final int ELEMENT = LINKS0 + DIM * 4 + 8;            // links, float32 vector, label: 1676 bytes
    static final int UPPER_LINKS = 4 + M * 4;                   // one upper level's list: 68 bytes
    static final int HEADER = 96;
    static final String[] FILES = {"header.bin", "data_level0.bin", "length.bin", "link_lists.bin",
        "index_metadata.pickle"};

    private static final int CHUNK = 600;                       // elements per write (~1 MB)
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(
            () -> ByteBuffer.allocate(CHUNK * ELEMENT).order(ByteOrder.LITTLE_ENDIAN));

    private HnswSegment() {
    }

    /** Writes a new segment folder whose index holds {@code ids} (with their seq ids). */
    static void write(Path folder, List<String> ids, List<Long> seqs, long seed) throws IOException {
        Files.createDirectories(folder);
        for (String f : new String[] {"data_level0.bin", "length.bin", "link_lists.bin"}) {
            Files.write(folder.resolve(f), new byte[0]);
        }
        appendElements(folder, 0, ids.size(), new SplittableRandom(seed));
        writeHeader(folder, ids.size());
        writePickle(folder, ids, seqs);
    }

    /**
     * Adds the elements {@code ids[from..]} to an existing folder as Chroma's periodic persist
     * does: data_level0.bin, length.bin and link_lists.bin grow at the end, header.bin and
     * index_metadata.pickle are rewritten.
     */
    static void append(Path folder, List<String> ids, List<Long> seqs, int from, long seed) throws IOException {
        appendElements(folder, from, ids.size(), new SplittableRandom(seed));
        writeHeader(folder, ids.size());
        writePickle(folder, ids, seqs);
    }

    /** The element count recorded in header.bin (hnswlib's cur_element_count). */
    static int elementCount(Path folder) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(folder.resolve("header.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        return (int) b.getLong(16);
    }

    private static void appendElements(Path folder, int from, int to, SplittableRandom r) throws IOException {
        ByteBuffer buf = BUFFERS.get();
        try (FileChannel data = append(folder.resolve("data_level0.bin"));
             FileChannel lengths = append(folder.resolve("length.bin"));
             FileChannel links = append(folder.resolve("link_lists.bin"))) {
            for (int start = from; start < to; start += CHUNK) {
                int end = Math.min(to, start + CHUNK);
                buf.clear();
                ByteBuffer lengthBuf = ByteBuffer.allocate((end - start) * 4).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer linkBuf = ByteBuffer.allocate((end - start) * UPPER_LINKS / 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int e = start; e < end; e++) {
                    element(buf, e, to, r);
                    linkBuf = upperLinks(lengthBuf, linkBuf, to, r);
                }
                writeAll(data, buf.flip());
                writeAll(lengths, lengthBuf.flip());
                writeAll(links, linkBuf.flip());
            }
        }
    }

    /** One data_level0 element: neighbour count and ids, the vector, then the label (1-based). */
    private static void element(ByteBuffer buf, int e, int count, SplittableRandom r) {
        int neighbours = count <= 1 ? 0 : 1 + r.nextInt(Math.min(MAX_M0, count - 1));
        buf.putInt(neighbours);
        for (int i = 0; i < MAX_M0; i++) {
            buf.putInt(i < neighbours ? r.nextInt(count) : 0);
        }
        for (int i = 0; i < DIM; i++) {
            buf.putFloat((r.nextInt(20_001) - 10_000) * 1e-5f);
        }
        buf.putLong(e + 1L);
    }

    /** Levels follow hnswlib's distribution: about 1 element in M reaches level 1, and so on. */
    private static ByteBuffer upperLinks(ByteBuffer lengths, ByteBuffer links, int count, SplittableRandom r) {
        int level = (int) (-Math.log(1 - r.nextDouble()) / Math.log(M));
        lengths.putInt(level * UPPER_LINKS);
        if (links.remaining() < level * UPPER_LINKS) {
            ByteBuffer bigger = ByteBuffer.allocate(links.capacity() * 2 + level * UPPER_LINKS)
                    .order(ByteOrder.LITTLE_ENDIAN);
            links = bigger.put(links.flip());
        }
        for (int l = 0; l < level; l++) {
            int n = Math.min(M, count);
            links.putInt(n);
            for (int i = 0; i < M; i++) {
                links.putInt(i < n ? r.nextInt(count) : 0);
            }
        }
        return links;
    }

    private static void writeHeader(Path folder, int count) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0)                                              // offsetLevel0
                .putLong(Math.max(1000, (long) Math.ceil(count * 1.2)))   // max_elements (resize_factor 1.2)
                .putLong(count)                                   // cur_element_count
                .putLong(ELEMENT)                                 // size_data_per_element
                .putLong(LINKS0 + DIM * 4L)                       // label_offset
                .putLong(LINKS0)                                  // offsetData
                .putInt(count > 0 ? 1 : 0)                        // maxlevel
                .putInt(0)                                        // enterpoint_node
                .putLong(M).putLong(MAX_M0).putLong(M)            // maxM, maxM0, M
                .putDouble(1 / Math.log(M))                       // mult
                .putLong(100);                                    // ef_construction
        Files.write(folder.resolve("header.bin"), h.array());
    }

    private static void writePickle(Path folder, List<String> ids, List<Long> seqs) throws IOException {
        Map<String, Object> idToLabel = new LinkedHashMap<>();
        Map<Object, Object> labelToId = new LinkedHashMap<>();
        Map<String, Object> idToSeq = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            idToLabel.put(ids.get(i), i + 1);
            labelToId.put(i + 1, ids.get(i));
            idToSeq.put(ids.get(i), seqs.get(i));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dimensionality", DIM);
        data.put("total_elements_added", ids.size());
        data.put("max_seq_id", seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1));
        data.put("id_to_label", idToLabel);
        data.put("label_to_id", labelToId);
        data.put("id_to_seq_id", idToSeq);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(folder.resolve("index_metadata.pickle")))) {
            Pickle.write(out, data);
        }
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
