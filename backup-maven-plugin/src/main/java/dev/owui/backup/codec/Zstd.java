package dev.owui.backup.codec;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** zstd streams (zstd-jni): one standard frame with a content checksum, which stock {@code zstd -d} reads and checks. */
public final class Zstd {
    /** Chosen by bench/codec-bench.sh: see bench/README.md. */
    public static final int DEFAULT_LEVEL = 3;
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 19;

    private Zstd() {
    }

    public static OutputStream compress(OutputStream out, int level) throws IOException {
        // Recycled buffers: a backup compresses thousands of small files, each would otherwise
        // leave ~256 KiB of garbage behind.
        ZstdOutputStream z = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE);
        z.setLevel(level);
        z.setChecksum(true);
        return z;
    }

    public static InputStream decompress(InputStream in) throws IOException {
        return new ZstdInputStream(in, RecyclingBufferPool.INSTANCE);
    }
}
