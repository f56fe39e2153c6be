package dev.owui.backup.repo.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Cuts a backup's sorted entries into chunks at content-defined boundaries (FORMAT.md): a chunk
 * ends after an entry whose path hash has its low {@value #BOUNDARY_BITS} bits zero, so chunks
 * hold about 1,000 entries, and an added or removed entry changes only the chunk it falls in: the
 * other chunks come out byte-identical to the previous backup's and need not be stored again.
 * Bounds keep a chunk between {@value #MIN_ENTRIES} and {@value #MAX_ENTRIES} entries (a run of
 * unlucky names cannot make one huge chunk).
 *
 * <p>Entries arrive as one JSON line each with their path, in {@link PathOrder}; a path equal to or
 * before the previous one is refused: two entries with one path would mean two files merged into
 * one name, which a backup must never record silently.
 */
public final class EntryChunker implements AutoCloseable {
    static final int BOUNDARY_BITS = 10;
    static final int MIN_ENTRIES = 64;
    static final int MAX_ENTRIES = 8192;

    /** Receives each finished chunk: JSON Lines, UTF-8, one entry a line. */
    @FunctionalInterface
    public interface Sink {
        void chunk(byte[] jsonLines, int entries, String firstPath) throws IOException;
    }

    private final Sink sink;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream(1 << 16);
    private final MessageDigest sha;
    private int entries;
    private String firstPath;
    private String lastPath;
    private long total;

    public EntryChunker(Sink sink) {
        this.sink = sink;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the next entry: its path and its JSON (one line, no newline inside). */
    public void add(String path, String json) throws IOException {
        if (json.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an entry must be one JSON line: " + path);
        }
        if (lastPath != null) {
            int c = PathOrder.INSTANCE.compare(lastPath, path);
            if (c == 0) {
                throw new IllegalArgumentException("two entries have the same path " + path
                        + ": the backup would merge two files into one name");
            }
            if (c > 0) {
                throw new IllegalArgumentException("entries out of order: " + path + " after " + lastPath);
            }
        }
        if (entries == 0) {
            firstPath = path;
        }
        current.write(json.getBytes(StandardCharsets.UTF_8));
        current.write('\n');
        entries++;
        total++;
        lastPath = path;
        if (entries >= MAX_ENTRIES || (entries >= MIN_ENTRIES && isBoundary(path))) {
            flush();
        }
    }

    /** Entries added so far. */
    public long entries() {
        return total;
    }

    private boolean isBoundary(String path) {
        byte[] h = sha.digest(path.getBytes(StandardCharsets.UTF_8));
        int low = ((h[30] & 0xff) << 8) | (h[31] & 0xff);
        return (low & ((1 << BOUNDARY_BITS) - 1)) == 0;
    }

    private void flush() throws IOException {
        if (entries > 0) {
            sink.chunk(current.toByteArray(), entries, firstPath);
            current.reset();
            entries = 0;
            firstPath = null;
        }
    }

    /** Emits the last chunk. */
    @Override
    public void close() throws IOException {
        flush();
    }

    /** For callers that cannot throw IOException from a lambda. */
    public void addUnchecked(String path, String json) {
        try {
            add(path, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
