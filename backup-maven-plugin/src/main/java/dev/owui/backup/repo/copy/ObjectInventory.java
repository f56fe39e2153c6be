package dev.owui.backup.repo.copy;

import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.objects.ObjectNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects a copy's destination holds, from one listing of {@code objects/} taken under its
 * exclusive lock (so nothing else adds or removes one meanwhile), plus those this run stored: a
 * copy asks the store nothing per object it finds here, which on S3 is what keeps a second copy of
 * a million-object backup to a few listing pages. Names are kept as their first 128 bits with the
 * stored size (32 bytes each, ~32 MB for a million, against ~150 MB as strings). Unlike prune's
 * 64-bit mark, a false "present" here would leave a head naming a missing object, so the odds of
 * two names sharing the key must be negligible: 2⁻¹²⁸ per pair, the page hashes' own bound.
 */
final class ObjectInventory {
    private record Key(long hi, long lo) {
        static Key of(String name) {
            return new Key(HexFormat.fromHexDigitsToLong(name, 0, 16), HexFormat.fromHexDigitsToLong(name, 16, 32));
        }
    }

    private record Held(long hi, long lo, long size) {
    }

    private static final Comparator<Held> ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.hi, b.hi);
        return c != 0 ? c : Long.compareUnsigned(a.lo, b.lo);
    };

    private final Held[] listed;
    private final ConcurrentHashMap<Key, Long> stored = new ConcurrentHashMap<>();

    private ObjectInventory(Held[] listed) {
        this.listed = listed;
    }

    /** Lists the repository's {@code objects/} once. */
    static ObjectInventory of(Repository repo) {
        List<Held> held = new ArrayList<>();
        repo.store().list(repo.key(ObjectNames.DIR), s -> {
            String name = ObjectNames.nameOf(repo.relative(s.key()));
            if (name != null) {
                Key k = Key.of(name);
                held.add(new Held(k.hi, k.lo, s.size()));
            }
        });
        Held[] a = held.toArray(Held[]::new);
        Arrays.sort(a, ORDER); // listings are in key order already; sorting a sorted array is one pass
        return new ObjectInventory(a);
    }

    /** Marks an object this run is copying right now (its size is not known yet). */
    private static final long CLAIMED = -2;

    /**
     * The stored size of object {@code name} at the destination: -1 when it has none, {@link #CLAIMED}
     * (below zero) while this run copies it.
     */
    long size(String name) {
        Key k = Key.of(name);
        Long s = stored.get(k);
        if (s != null) {
            return s;
        }
        return listedSize(k);
    }

    /** Whether the listing held {@code name} (whatever this run did since). */
    boolean listed(String name) {
        return listedSize(Key.of(name)) >= 0;
    }

    private long listedSize(Key k) {
        int i = Arrays.binarySearch(listed, new Held(k.hi, k.lo, 0), ORDER);
        return i >= 0 ? listed[i].size : -1;
    }

    /**
     * Whether the caller is to copy {@code name}: true once per object, when this run has not
     * copied or claimed it yet and the listing did not hold it (or {@code ignoreListing}: the one
     * listed is recorded damaged and must be replaced).
     */
    boolean claim(String name, boolean ignoreListing) {
        Key k = Key.of(name);
        if (stored.containsKey(k) || !ignoreListing && listedSize(k) >= 0) {
            return false;
        }
        return stored.putIfAbsent(k, CLAIMED) == null;
    }

    /** Records an object this run stored (or found stored by a racing write). */
    void add(String name, long size) {
        stored.put(Key.of(name), size);
    }

    int listedCount() {
        return listed.length;
    }
}
