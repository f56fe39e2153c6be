package dev.owui.backup.report;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Tells {@code sink} how many bytes each read returned: put on the stream that carries a file's
 * bytes, it is how {@link Progress} sees a large file move, read by read, whoever reads it.
 */
public final class CountingInputStream extends FilterInputStream {
    /** A sink that counts nothing: where no progress is kept. */
    public static final LongConsumer NONE = n -> { };

    private final LongConsumer sink;

    public CountingInputStream(InputStream in, LongConsumer sink) {
        super(in);
        this.sink = sink;
    }

    /** {@code in} itself when nothing is counted, else {@code in} counted. */
    public static InputStream of(InputStream in, LongConsumer sink) {
        return sink == null || sink == NONE ? in : new CountingInputStream(in, sink);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sink.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sink.accept(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(n);
        if (s > 0) {
            sink.accept(s);
        }
        return s;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        // Through read(byte[], int, int), so every byte is counted even where a JDK passes transferTo to the wrapped stream.
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public boolean markSupported() {
        return false; // a reset would count bytes twice
    }
}
