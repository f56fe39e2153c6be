package dev.owui.backup.repo.pages;

/**
 * Consecutive pages {@code first .. first + count - 1}, numbered from 1 as SQLite numbers them.
 * In JSON a run is the pair {@code [first, count]}.
 */
public record Run(long first, long count) {
    public Run {
        if (first < 1 || count < 1) {
            throw new IllegalArgumentException("a page run needs first >= 1 and count >= 1, not [" + first + ", " + count + "]");
        }
    }

    /** The page after the last one of this run. */
    public long end() {
        return first + count;
    }

    public long[] toPair() {
        return new long[] {first, count};
    }
}
