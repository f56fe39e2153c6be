package dev.owui.backup.repo.chunks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Content-defined chunking in the FastCDC way (Xia et al., USENIX ATC 2016), for PostgreSQL
 * dumps (FORMAT.md, "PostgreSQL instances"): a change inside a dump moves the cut points only near
 * it, so the chunks before and after it are the same bytes as in the previous dump and reuse
 * their objects. Used by the writer only: a reader concatenates the chunks an entry lists and
 * never needs these rules.
 *
 * <p>The rolling hash is the gear hash {@code h = (h << 1) + GEAR[byte]}; a chunk ends where the
 * hash's top bits are zero (the top bits depend on the last 64 bytes; the low bits on the last few
 * only). Normalized chunking: before the average size a stricter mask (two bits more), after it a
 * looser one (two bits fewer), which narrows the spread of sizes around the average. No cut
 * before {@code min}, always one at {@code max}.
 *
 * <p>{@link #GEAR} is fixed: 256 values of SplitMix64 from seed 0 (each value the next output of
 * {@code x += 0x9E3779B97F4A7C15; z = x; z = (z ^ z>>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>>27) *
 * 0x94D049BB133111EB; z ^ z>>>31}). Changing it, or the sizes, moves every cut point: the next
 * dump would share no chunk with the previous one (still correct, only one full dump stored again).
 */
public final class GearChunker {
    /** The sizes PostgreSQL dumps are cut at (measured, FORMAT.md): 4 KiB, 16 KiB, 64 KiB. */
    public static final int MIN = 4 << 10;
    public static final int AVG = 16 << 10;
    public static final int MAX = 64 << 10;

    static final long[] GEAR = gear(0);

    private final InputStream in;
    private final int min;
    private final int avg;
    private final int max;
    private final long maskStrict;
    private final long maskLoose;
    private final byte[] buf;
    private int start;
    private int end;
    private boolean eof;

    public GearChunker(InputStream in) {
        this(in, MIN, AVG, MAX);
    }

    public GearChunker(InputStream in, int min, int avg, int max) {
        if (min < 64 || avg <= min || max <= avg || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("chunk sizes: 64 <= min < avg < max, avg a power of two");
        }
        this.in = in;
        this.min = min;
        this.avg = avg;
        this.max = max;
        int bits = Integer.numberOfTrailingZeros(avg);
        this.maskStrict = topBits(bits + 2);
        this.maskLoose = topBits(bits - 2);
        this.buf = new byte[2 * max];
    }

    private static long topBits(int n) {
        return n <= 0 ? 0 : -1L << (64 - n);
    }

    static long[] gear(long seed) {
        long[] g = new long[256];
        long x = seed;
        for (int i = 0; i < 256; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            g[i] = z ^ (z >>> 31);
        }
        return g;
    }

    /** The next chunk's bytes, or null at the end of the input. */
    public byte[] next() throws IOException {
        fill();
        int available = end - start;
        if (available == 0) {
            return null;
        }
        int n = cut(buf, start, available);
        byte[] chunk = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        return chunk;
    }

    /** The length of the chunk that starts at {@code off} ({@code len} bytes available, all of the rest when below max). */
    int cut(byte[] b, int off, int len) {
        if (len <= min) {
            return len;
        }
        int limit = Math.min(len, max);
        int normal = Math.min(limit, avg);
        long h = 0;
        int i = min;
        // the hash over the 64 bytes before min, so that a cut at min + 1 already sees a full window
        for (int j = Math.max(0, min - 64); j < min; j++) {
            h = (h << 1) + GEAR[b[off + j] & 0xff];
        }
        for (; i < normal; i++) {
            h = (h << 1) + GEAR[b[off + i] & 0xff];
            if ((h & maskStrict) == 0) {
                return i + 1;
            }
        }
        for (; i < limit; i++) {
            h = (h << 1) + GEAR[b[off + i] & 0xff];
            if ((h & maskLoose) == 0) {
                return i + 1;
            }
        }
        return limit;
    }

    /** Keeps at least {@code max} bytes buffered unless the input ends. */
    private void fill() throws IOException {
        if (end - start >= max || eof) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end < buf.length) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
                return;
            }
            end += n;
        }
    }
}
