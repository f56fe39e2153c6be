package dev.owui.backup.repo.objects;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The object names prune marks as referenced, compact: the first 8 bytes of each name as a
 * {@code long}, sorted (8 MB for a million objects, against ~150 MB for a set of strings). Two
 * names sharing a prefix only make prune keep an unreferenced object (odds 2⁻⁶⁴ per pair),
 * never delete a referenced one, so a prefix is enough.
 */
public final class ObjectNameSet {
    private long[] values = new long[1024];
    private int size;
    private boolean frozen;

    public void add(String name) {
        if (frozen) {
            throw new IllegalStateException("already frozen");
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = prefix(name);
    }

    /** Sorts and removes repeats; call once after the last add. */
    public ObjectNameSet seal() {
        Arrays.sort(values, 0, size);
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (n == 0 || values[n - 1] != values[i]) {
                values[n++] = values[i];
            }
        }
        size = n;
        values = Arrays.copyOf(values, n);
        frozen = true;
        return this;
    }

    public boolean contains(String name) {
        if (!frozen) {
            throw new IllegalStateException("seal() first");
        }
        return Arrays.binarySearch(values, 0, size, prefix(name)) >= 0;
    }

    public int size() {
        return size;
    }

    private static long prefix(String name) {
        if (!ObjectNames.isName(name)) {
            throw new IllegalArgumentException("not an object name: " + name);
        }
        return HexFormat.fromHexDigitsToLong(name, 0, 16);
    }
}
