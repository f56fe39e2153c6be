package dev.owui.backup.testkit;

import java.util.Random;
import java.util.UUID;

/** Seeded UUIDv4 and timestamp source, so one seed always yields the same ids. */
final class Ids {

    /** 2025-01-01T00:00:00Z: fixtures look like a few months of use after this date. */
    static final long EPOCH = 1_735_689_600L;

    private final Random random;

    Ids(Random random) {
        this.random = random;
    }

    /** A random version-4 UUID string, as Open WebUI and Chroma make with uuid4(). */
    String uuid() {
        long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }

    /** Epoch seconds somewhere in the first {@code days} days after {@link #EPOCH}. */
    long time(int days) {
        return EPOCH + (long) (random.nextDouble() * days * 86_400L);
    }

    /** Hex string of {@code n} random hex digits (git revisions, fake hashes). */
    String hex(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    Random random() {
        return random;
    }
}
