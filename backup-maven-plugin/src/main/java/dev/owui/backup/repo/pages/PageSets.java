package dev.owui.backup.repo.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Page sets: the raw bytes of chosen pages of an image, concatenated in ascending page order,
 * described by their {@link Run}s. The format is deliberately nothing but pages, so that stock
 * {@code dd} applies one ({@code dd if=set of=db bs=<page size> skip=<offset> seek=<first-1>
 * count=<count> conv=notrunc} per run; FORMAT.md), and so that a WAL's frames, which are pages,
 * can become page sets later.
 */
public final class PageSets {
    private PageSets() {
    }

    /** Writes the pages that {@code runs} name, read from {@code image}, to {@code out}. Returns the bytes written. */
    public static long write(Path image, int pageSize, List<Run> runs, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long pages = ch.size() / pageSize;
            Runs.check(runs, pages);
            ByteBuffer buf = ByteBuffer.allocate(Math.max(pageSize, 256 * 1024 / pageSize * pageSize));
            long written = 0;
            for (Run r : runs) {
                long pos = (r.first() - 1) * pageSize;
                long left = r.count() * pageSize;
                while (left > 0) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), left));
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new IOException(image + " ended at byte " + pos + " while page set runs reach page " + (r.end() - 1));
                    }
                    out.write(buf.array(), 0, n);
                    pos += n;
                    left -= n;
                    written += n;
                }
            }
            return written;
        }
    }

    /**
     * Writes the pages of a page set into {@code db} at their places. The stream must hold exactly
     * {@code pages(runs) × pageSize} bytes: fewer or more means the page set does not belong to
     * these runs, and nothing about the result could be trusted.
     */
    public static void apply(Path db, int pageSize, List<Run> runs, InputStream pageSet) throws IOException {
        try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
            byte[] page = new byte[pageSize];
            for (Run r : runs) {
                for (long p = r.first(); p < r.end(); p++) {
                    int got = pageSet.readNBytes(page, 0, pageSize);
                    if (got != pageSize) {
                        throw new IOException("page set ended early: page " + p + " of runs ending at " + runs.get(runs.size() - 1).end());
                    }
                    ByteBuffer b = ByteBuffer.wrap(page);
                    long pos = (p - 1) * pageSize;
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                }
            }
            if (pageSet.read() != -1) {
                throw new IOException("page set holds more bytes than its runs name (" + Runs.pages(runs) + " pages of " + pageSize + ")");
            }
        }
    }

    /** One stored layer of a database, opened when reassembly reaches it. */
    public interface Layer {
        /** Null for the image (the first layer), the runs for a page set. */
        List<Run> runs();

        InputStream open() throws IOException;
    }

    /**
     * Builds the database that the layers describe into {@code out}: the image, each page set in
     * order, cut to {@code pageCount} pages, then checked against {@code sha256}. A mismatch fails
     * and removes {@code out}: a database that is not the capture is never left behind as if it were.
     */
    public static void reassemble(List<? extends Layer> layers, int pageSize, long pageCount, String sha256, Path out) throws IOException {
        if (layers.isEmpty() || layers.get(0).runs() != null) {
            throw new IllegalArgumentException("the first layer of a database must be an image");
        }
        try {
            try (InputStream image = layers.get(0).open()) {
                Files.copy(image, out, StandardCopyOption.REPLACE_EXISTING);
            }
            for (Layer l : layers.subList(1, layers.size())) {
                if (l.runs() == null) {
                    throw new IllegalArgumentException("only the first layer of a database may be an image");
                }
                try (InputStream in = l.open()) {
                    apply(out, pageSize, l.runs(), in);
                }
            }
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
                ch.truncate(pageCount * pageSize);
            }
            String actual = sha256(out);
            if (!actual.equals(sha256)) {
                throw new IOException("the reassembled database has SHA-256 " + actual + ", the manifest says " + sha256);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = PageMap.sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
