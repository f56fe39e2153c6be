package dev.owui.backup.repo.manifest;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The order of entries in a format 3 manifest (FORMAT.md, "A backup: the head and its entry
 * chunks"): paths compared component by component, each component as UTF-8 bytes (unsigned).
 * So {@code a/b} comes right after {@code a} and before {@code a.txt}, which is the order of a
 * depth-first walk that sorts each directory's names: the scan of a data directory and the
 * previous backup's entries can then be merged like two sorted files, without holding either.
 */
public final class PathOrder implements Comparator<String> {
    public static final PathOrder INSTANCE = new PathOrder();

    private PathOrder() {
    }

    @Override
    public int compare(String a, String b) {
        // A backup compares every path several times (walk, merge, chunker): compare the chars up to
        // the first difference without encoding either. Below 0x80 a char is its UTF-8 byte; a
        // difference at any other char is settled on the bytes below.
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i == n) {
            return Integer.compare(a.length(), b.length()); // one is a prefix of the other, in UTF-8 too: it comes first
        }
        if (a.charAt(i) < 0x80 && b.charAt(i) < 0x80) {
            return Integer.compare(rank((byte) a.charAt(i)), rank((byte) b.charAt(i)));
        }
        return compareBytes(a, b);
    }

    private static int compareBytes(String a, String b) {
        // Comparing the UTF-8 bytes with '/' ranked below every other byte gives the component-wise
        // order in one pass: at the first difference, a path whose component ended there sorts first.
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(rank(x[i]), rank(y[i]));
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static int rank(byte b) {
        return b == '/' ? -1 : b & 0xff;
    }
}
