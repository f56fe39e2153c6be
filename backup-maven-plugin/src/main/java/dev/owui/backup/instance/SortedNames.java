package dev.owui.backup.instance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Many names (or relative paths) as their UTF-8 bytes packed in one array, sorted in format 3's
 * path order (bytes compared unsigned, '/' below every other byte: {@code repo.manifest.PathOrder}).
 * A million upload names cost their bytes plus 8 bytes each here, against ~100 bytes each as
 * Strings in a set or list: this is what lets a backup hold uploads/'s listing and webui.db's file
 * rows at a million files within its memory bound (issue 11). Immutable once built.
 */
public final class SortedNames {
    private final byte[] bytes;
    /** Start of name i in {@link #bytes}; {@code starts[size]} is the end of the last. */
    private final int[] starts;
    /** For name i (sorted), its index in the order it was added. */
    private final int[] origin;
    private final int size;

    private SortedNames(byte[] bytes, int[] starts, int[] origin, int size) {
        this.bytes = bytes;
        this.starts = starts;
        this.origin = origin;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public String get(int i) {
        return new String(bytes, starts[i], starts[i + 1] - starts[i], StandardCharsets.UTF_8);
    }

    /** The index at which name {@code i} was added to the builder. */
    int origin(int i) {
        return origin[i];
    }

    /** Name {@code i} against {@code key}'s UTF-8 bytes, in path order. */
    int compareTo(int i, byte[] key) {
        return compare(bytes, starts[i], starts[i + 1], key, 0, key.length);
    }

    /** The names in path order. */
    public java.util.List<String> toList() {
        java.util.List<String> out = new java.util.ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    /** Same names (restore checks compare the recorded rows with the restored database's). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SortedNames n && size == n.size
                && Arrays.equals(bytes, 0, starts[size], n.bytes, 0, n.starts[n.size])
                && Arrays.equals(starts, 0, size + 1, n.starts, 0, n.size + 1);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < starts[size]; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    /** Whether the name is here (binary search). */
    public boolean contains(String name) {
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareTo(mid, key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Path order on two byte ranges: unsigned bytes, '/' ranked below every other byte. */
    static int compare(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        int m = Arrays.mismatch(a, aFrom, aTo, b, bFrom, bTo);
        if (m < 0) {
            return 0;
        }
        int la = aTo - aFrom;
        int lb = bTo - bFrom;
        if (m == la || m == lb) {
            return Integer.compare(la, lb);
        }
        return Integer.compare(rank(a[aFrom + m]), rank(b[bFrom + m]));
    }

    private static int rank(byte b) {
        return b == '/' ? -1 : b & 0xff;
    }

    /** Collects names, then sorts them once. */
    public static final class Builder {
        private byte[] bytes = new byte[1 << 12];
        private int[] starts = new int[257];
        private int size;
        private int end;
        /** While sorting: {@link #prefix} of each name. */
        private long[] prefixes;

        public Builder add(String name) {
            return add(name.getBytes(StandardCharsets.UTF_8));
        }

        Builder add(byte[] name) {
            if (end + name.length > bytes.length) {
                long want = Math.max((long) bytes.length * 2, (long) end + name.length);
                if (want > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("more than 2 GB of names");
                }
                bytes = Arrays.copyOf(bytes, (int) want);
            }
            if (size + 2 > starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            System.arraycopy(name, 0, bytes, end, name.length);
            starts[size] = end;
            end += name.length;
            size++;
            starts[size] = end;
            return this;
        }

        int size() {
            return size;
        }

        /** The names sorted; with {@code distinct}, each name once. The builder is spent. */
        public SortedNames build(boolean distinct) {
            int[] order = new int[size];
            prefixes = new long[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
                prefixes[i] = prefix(starts[i], starts[i + 1]);
            }
            sort(order);
            prefixes = null;
            byte[] out = new byte[end];
            int[] outStarts = new int[size + 1];
            int[] origin = new int[size];
            int n = 0;
            int at = 0;
            for (int k = 0; k < size; k++) {
                int i = order[k];
                int from = starts[i];
                int len = starts[i + 1] - from;
                if (distinct && n > 0 && compare(out, outStarts[n - 1], at, bytes, from, from + len) == 0) {
                    continue;
                }
                System.arraycopy(bytes, from, out, at, len);
                outStarts[n] = at;
                origin[n] = i;
                at += len;
                n++;
                outStarts[n] = at;
            }
            bytes = null;
            starts = null;
            return new SortedNames(n == size ? out : Arrays.copyOf(out, at), n == size ? outStarts : Arrays.copyOf(outStarts, n + 1),
                    n == size ? origin : Arrays.copyOf(origin, n), n);
        }

        /** A bottom-up merge sort of indices by their names (stable; no boxing of a million Integers). */
        private void sort(int[] a) {
            int n = a.length;
            int[] src = a;
            int[] dst = new int[n];
            for (int width = 1; width < n; width *= 2) {
                for (int lo = 0; lo < n; lo += 2 * width) {
                    int mid = Math.min(lo + width, n);
                    int hi = Math.min(lo + 2 * width, n);
                    int i = lo;
                    int j = mid;
                    int k = lo;
                    while (i < mid && j < hi) {
                        dst[k++] = cmp(src[j], src[i]) < 0 ? src[j++] : src[i++];
                    }
                    while (i < mid) {
                        dst[k++] = src[i++];
                    }
                    while (j < hi) {
                        dst[k++] = src[j++];
                    }
                }
                int[] t = src;
                src = dst;
                dst = t;
            }
            if (src != a) {
                System.arraycopy(src, 0, a, 0, n);
            }
        }

        private int cmp(int x, int y) {
            int c = Long.compare(prefixes[x], prefixes[y]);
            return c != 0 ? c : compare(bytes, starts[x], starts[x + 1], bytes, starts[y], starts[y + 1]);
        }

        /**
         * The first 7 bytes of a name as a number in the same order (9 bits a byte: 0 past the
         * end, 1 for '/', the byte + 2 otherwise), so most comparisons of a sort are one of longs.
         */
        private long prefix(int from, int to) {
            long p = 0;
            for (int k = 0; k < 7; k++) {
                int at = from + k;
                int v = at >= to ? 0 : bytes[at] == '/' ? 1 : (bytes[at] & 0xff) + 2;
                p = (p << 9) | v;
            }
            return p;
        }
    }
}
