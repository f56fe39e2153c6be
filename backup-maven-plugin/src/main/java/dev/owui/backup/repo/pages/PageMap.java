package dev.owui.backup.repo.pages;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.PrimitiveIterator;

/**
 * The page map of one database image: its page size, page count, the SHA-256 of the whole image,
 * and the first {@value #HASH_BYTES} bytes of each page's SHA-256. The next capture of the same
 * database is compared with it page by page to find what changed, without the previous image
 * itself (which, on S3, would cost a download). 128 bits per page make a missed change a 2^-128
 * event per page; the whole-image SHA-256 recorded in the manifest is checked after every
 * reassembly, so a wrong result cannot pass silently either way.
 *
 * <p>Memory: 16 bytes a page, 4 MiB for a 1 GiB database of 4 KiB pages.
 */
public final class PageMap {
    static final int HASH_BYTES = 16;
    private static final int MAGIC = 0x4f57504d; // "OWPM"
    private static final int VERSION = 1;
    /** Pages are read in batches of this many bytes (a multiple of every page size). */
    private static final int READ_BYTES = 1 << 20;

    private final int pageSize;
    private final long pageCount;
    private final byte[] hashes;
    private final String sha256;

    private PageMap(int pageSize, long pageCount, byte[] hashes, String sha256) {
        this.pageSize = pageSize;
        this.pageCount = pageCount;
        this.hashes = hashes;
        this.sha256 = sha256;
    }

    public int pageSize() {
        return pageSize;
    }

    public long pageCount() {
        return pageCount;
    }

    /** Hex SHA-256 of the whole image: the {@code sha256} of the database's manifest entry. */
    public String sha256() {
        return sha256;
    }

    /**
     * Reads an image once, hashing the whole file and each page in the same pass. The page size
     * comes from the SQLite header; a file whose size is not a whole number of pages is refused
     * (a torn copy, not an image the backup API or a checkpoint makes).
     */
    public static PageMap of(Path image) throws IOException {
        int pageSize = SqliteHeader.pageSize(image);
        MessageDigest whole = sha256Digest();
        MessageDigest page = sha256Digest();
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size % pageSize != 0) {
                throw new IOException(image + " is " + size + " bytes, not a whole number of " + pageSize + "-byte pages");
            }
            long pages = size / pageSize;
            if (pages * HASH_BYTES > Integer.MAX_VALUE - 64) {
                throw new IOException(image + " has too many pages for one page map: " + pages);
            }
            byte[] hashes = new byte[(int) (pages * HASH_BYTES)];
            ByteBuffer buf = ByteBuffer.allocate(Math.max(READ_BYTES, pageSize));
            long pageNo = 0;
            while (pageNo < pages) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // fill the batch (a short read is not the end of the file)
                }
                buf.flip();
                if (buf.remaining() % pageSize != 0) {
                    throw new IOException(image + " changed size while it was read");
                }
                byte[] a = buf.array();
                whole.update(a, 0, buf.remaining());
                for (int off = 0; off + pageSize <= buf.remaining(); off += pageSize) {
                    page.update(a, off, pageSize);
                    byte[] h = page.digest();
                    System.arraycopy(h, 0, hashes, (int) (pageNo * HASH_BYTES), HASH_BYTES);
                    pageNo++;
                }
                if (buf.remaining() == 0) {
                    throw new IOException(image + " ended early, at page " + pageNo + " of " + pages);
                }
            }
            return new PageMap(pageSize, pages, hashes, HexFormat.of().formatHex(whole.digest()));
        }
    }

    /**
     * The pages of {@code current} that differ from this (earlier) map: pages whose hash differs,
     * plus every page beyond this map's page count. Pages beyond {@code current}'s count are gone
     * (the database shrank): the manifest's page count truncates them, no page set carries them.
     * Maps of different page sizes cannot be compared: the caller stores a new image instead.
     */
    public PrimitiveIterator.OfLong changedIn(PageMap current) {
        if (current.pageSize != pageSize) {
            throw new IllegalArgumentException("page sizes differ (" + pageSize + " and " + current.pageSize + "): store a new image");
        }
        long common = Math.min(pageCount, current.pageCount);
        return new PrimitiveIterator.OfLong() {
            long p = 0; // 0-based index of the next page to look at
            long found = -1;

            @Override
            public boolean hasNext() {
                while (found < 0 && p < current.pageCount) {
                    if (p >= common || !samePage(current, p)) {
                        found = p + 1;
                    }
                    p++;
                }
                return found > 0;
            }

            @Override
            public long nextLong() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                long f = found;
                found = -1;
                return f;
            }
        };
    }

    private boolean samePage(PageMap other, long index) {
        int from = (int) (index * HASH_BYTES);
        return Arrays.equals(hashes, from, from + HASH_BYTES, other.hashes, from, from + HASH_BYTES);
    }

    /** The map as stored (an object at the target, encoded like the database it describes). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(pageSize);
        d.writeLong(pageCount);
        d.write(HexFormat.of().parseHex(sha256));
        d.write(hashes);
        d.flush();
    }

    public static PageMap read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a page map (bad magic)");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException("page map version " + version + " is not one this version reads (" + VERSION + ")");
        }
        int pageSize = d.readInt();
        long pageCount = d.readLong();
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1 || pageCount < 0
                || pageCount * HASH_BYTES > Integer.MAX_VALUE - 64) {
            throw new IOException("damaged page map: page size " + pageSize + ", " + pageCount + " pages");
        }
        byte[] sha = new byte[32];
        d.readFully(sha);
        byte[] hashes = new byte[(int) (pageCount * HASH_BYTES)];
        d.readFully(hashes);
        if (d.read() != -1) {
            throw new IOException("damaged page map: bytes after the last page hash");
        }
        return new PageMap(pageSize, pageCount, hashes, HexFormat.of().formatHex(sha));
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
