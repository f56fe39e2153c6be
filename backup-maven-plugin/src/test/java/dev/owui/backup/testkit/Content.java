package dev.owui.backup.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Deterministic file content and text for fixtures.
 *
 * <p>Bytes are made page by page (4 KiB): a page is either a slice of a fixed "word soup" pool
 * (compressible like text) or random longs (incompressible like compressed PDF streams or
 * vectors). Text slices are lightly perturbed so that no two pages are identical: a
 * deduplicating backup must not get an unrealistically easy ride. Everything is generated into
 * one reusable buffer per thread, so a 1 GB fixture never sits in memory.
 */
final class Content {

    /** What a file looks like inside; {@code textShare} is the fraction of text pages. */
    enum Kind {
        TEXT(0.95), PDF(0.3), BINARY(0.0);

        final double textShare;

        Kind(double textShare) {
            this.textShare = textShare;
        }
    }

    static final String[] WORDS = ("the of and to in is that for it as with was on be at by this "
            + "backup restore model chat user file upload vector index segment query answer prompt "
            + "token embedding document knowledge collection server container volume database "
            + "report quarterly revenue growth summary meeting notes agenda project deadline team "
            + "please could you explain why how what when which where write code function class "
            + "python java error exception stack trace install docker compose config setting "
            + "language translate french japanese recipe travel budget invoice contract clause "
            + "section figure table result method experiment data analysis conclusion abstract "
            + "introduction reference appendix draft final review approved pending updated")
            .split(" ");

    static final int PAGE = 4096;
    private static final int BUFFER = 1 << 20;
    private static final byte[] POOL = buildPool(1 << 20);
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);
    private static final byte[] PDF_HEAD = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PDF_TAIL = "\nstartxref\n0\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);

    private Content() {
    }

    /** Streams {@code size} bytes of the given kind into a new file; returns its SHA-256 hex. */
    static String write(Path file, long size, long seed, Kind kind) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = BUFFERS.get();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(buf.length, size - done);
                fill(buf, n, random, kind.textShare);
                if (kind == Kind.PDF) {
                    decoratePdf(buf, n, done, size);
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
                done += n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Fills {@code buf[0, len)} with a mix of text pages and random pages. */
    static void fill(byte[] buf, int len, SplittableRandom random, double textShare) {
        for (int off = 0; off < len; off += PAGE) {
            int n = Math.min(PAGE, len - off);
            if (random.nextDouble() < textShare) {
                textPage(buf, off, n, random);
            } else {
                randomPage(buf, off, n, random);
            }
        }
    }

    private static void textPage(byte[] buf, int off, int n, SplittableRandom random) {
        System.arraycopy(POOL, random.nextInt(POOL.length - n), buf, off, n);
        // A random letter every ~64 bytes: still compresses like text, but never repeats.
        for (int i = off + random.nextInt(64); i < off + n; i += 48 + random.nextInt(32)) {
            buf[i] = (byte) ('a' + random.nextInt(26));
        }
    }

    private static void randomPage(byte[] buf, int off, int n, SplittableRandom random) {
        int i = off;
        for (int end = off + n - 7; i < end; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
                buf[i + b] = (byte) (v >>> (8 * b));
            }
        }
        for (; i < off + n; i++) {
            buf[i] = (byte) random.nextInt(256);
        }
    }

    /** Gives PDF-like uploads a real header and trailer, so type sniffing sees a PDF. */
    private static void decoratePdf(byte[] buf, int n, long done, long size) {
        if (done == 0) {
            System.arraycopy(PDF_HEAD, 0, buf, 0, Math.min(n, PDF_HEAD.length));
        }
        if (done + n == size && n >= PDF_TAIL.length && size >= PDF_HEAD.length + PDF_TAIL.length) {
            System.arraycopy(PDF_TAIL, 0, buf, n - PDF_TAIL.length, PDF_TAIL.length);
        }
    }

    /** Roughly {@code chars} characters of sentences (for chat messages, documents). */
    static String text(Random random, int chars) {
        StringBuilder sb = new StringBuilder(chars + 16);
        boolean capital = true;
        while (sb.length() < chars) {
            String w = WORDS[random.nextInt(WORDS.length)];
            sb.append(capital ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            capital = random.nextInt(12) == 0;
            sb.append(capital ? ". " : " ");
        }
        return sb.toString().trim();
    }

    /** One document chunk as Open WebUI's splitter stores it in Chroma (chunk size up to 1000). */
    static String chunk(Random random) {
        return text(random, 150 + random.nextInt(500));
    }

    /** The text Open WebUI would have extracted from an upload of {@code size} bytes, capped. */
    static String extracted(Random random, long size) {
        return text(random, (int) Math.min(size / 16, 4_000));
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static String sha256Hex(String s) {
        return sha256Hex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] buildPool(int size) {
        // Fixed seed: the pool is shared by all fixtures; the per-file seed picks the slices.
        String text = text(new Random(0x5eed), size + 1024).replace(". ", ".\n");
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] pool = new byte[size];
        System.arraycopy(bytes, 0, pool, 0, size);
        return pool;
    }
}
