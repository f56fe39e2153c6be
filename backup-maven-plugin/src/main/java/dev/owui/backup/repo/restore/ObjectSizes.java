package dev.owui.backup.repo.restore;

import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.objects.ObjectNames;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The objects a repository holds and their sizes, from one listing of {@code objects/}: 16 bytes
 * an object (the first 8 bytes of its name and its size, in sorted arrays), so a million objects
 * take 16 MB rather than the ~180 MB of a map of strings. Two names sharing an 8-byte prefix
 * could hide a missing object behind a present one (odds 2⁻⁶⁴ per pair); reading the data
 * ({@code owui.readData}) finds it either way.
 */
final class ObjectSizes {
    private long[] prefixes = new long[1024];
    private long[] sizes = new long[1024];
    private int count;

    static ObjectSizes list(Repository repo) {
        ObjectSizes s = new ObjectSizes();
        repo.store().list(repo.key(ObjectNames.DIR), st -> {
            String name = ObjectNames.nameOf(repo.relative(st.key()));
            if (name != null) {
                s.add(name, st.size());
            }
        });
        s.sort();
        return s;
    }

    private void add(String name, long size) {
        if (count == prefixes.length) {
            prefixes = Arrays.copyOf(prefixes, count * 2);
            sizes = Arrays.copyOf(sizes, count * 2);
        }
        prefixes[count] = prefix(name);
        sizes[count] = size;
        count++;
    }

    /** Listings come in key order, which is name order; sorted anyway in case a store does not keep it. */
    private void sort() {
        for (int i = 1; i < count; i++) {
            if (Long.compareUnsigned(prefixes[i - 1], prefixes[i]) > 0) {
                Integer[] idx = new Integer[count];
                for (int j = 0; j < count; j++) {
                    idx[j] = j;
                }
                Arrays.sort(idx, (a, b) -> Long.compareUnsigned(prefixes[a], prefixes[b]));
                long[] p = new long[count];
                long[] z = new long[count];
                for (int j = 0; j < count; j++) {
                    p[j] = prefixes[idx[j]];
                    z[j] = sizes[idx[j]];
                }
                prefixes = p;
                sizes = z;
                return;
            }
        }
    }

    /** The listed size of object {@code name}, or -1 when the store does not hold it. */
    long size(String name) {
        long key = prefix(name);
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(prefixes[mid], key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return sizes[mid];
            }
        }
        return -1;
    }

    int count() {
        return count;
    }

    private static long prefix(String name) {
        return HexFormat.fromHexDigitsToLong(name, 0, 16);
    }
}
