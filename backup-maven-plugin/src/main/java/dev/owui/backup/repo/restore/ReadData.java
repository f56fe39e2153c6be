package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Which objects a verify reads ({@code owui.readData}): {@code none}, {@code all}, {@code n/t}
 * (restic's {@code --read-data-subset}: the objects whose name's first byte falls in the n-th
 * of t equal ranges of 0..255, so runs 1/t … t/t read every object exactly once), or a
 * percentage such as {@code 10%}: each object is picked with that chance by a hash of its name
 * and the day, so a run is repeatable the same day and another day reads another part.
 */
public final class ReadData {
    private enum Kind { NONE, ALL, BUCKET, SHARE }

    private final Kind kind;
    private final int n;
    private final int t;
    private final double share;
    private final long seed;
    private final String text;

    private ReadData(Kind kind, int n, int t, double share, long seed, String text) {
        this.kind = kind;
        this.n = n;
        this.t = t;
        this.share = share;
        this.seed = seed;
        this.text = text;
    }

    public static ReadData none() {
        return new ReadData(Kind.NONE, 0, 0, 0, 0, "none");
    }

    public static ReadData all() {
        return new ReadData(Kind.ALL, 0, 0, 1, 0, "all");
    }

    /** Parses {@code owui.readData}; {@code day} seeds a percentage (today, in UTC, when null). */
    public static ReadData parse(String raw, LocalDate day) {
        String s = raw == null ? "none" : raw.trim().toLowerCase(Locale.ROOT);
        String advice = "set owui.readData to none, all, a percentage such as 10%, or n/t such as 1/5 (t at most 256)";
        if (s.isEmpty() || s.equals("none") || s.equals("false")) {
            return none();
        }
        if (s.equals("all") || s.equals("true") || s.equals("100%")) {
            return all();
        }
        try {
            if (s.endsWith("%")) {
                double p = Double.parseDouble(s.substring(0, s.length() - 1));
                if (!(p > 0 && p <= 100)) {
                    throw new OwuiException("owui.readData=" + raw + " is not a percentage above 0 and at most 100", advice);
                }
                long seed = (day == null ? LocalDate.now(java.time.ZoneOffset.UTC) : day).toEpochDay();
                return new ReadData(Kind.SHARE, 0, 0, p / 100, seed, s);
            }
            int slash = s.indexOf('/');
            if (slash > 0) {
                int n = Integer.parseInt(s.substring(0, slash));
                int t = Integer.parseInt(s.substring(slash + 1));
                if (t < 1 || t > 256 || n < 1 || n > t) {
                    throw new OwuiException("owui.readData=" + raw + " needs 1 ≤ n ≤ t ≤ 256", advice);
                }
                return new ReadData(Kind.BUCKET, n, t, 1.0 / t, 0, s);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new OwuiException("owui.readData=" + raw + " is not understood", advice);
    }

    public boolean readsNothing() {
        return kind == Kind.NONE;
    }

    public boolean readsAll() {
        return kind == Kind.ALL;
    }

    /** Whether the object {@code name} (64 hex) is read. */
    public boolean selects(String name) {
        return switch (kind) {
            case NONE -> false;
            case ALL -> true;
            case BUCKET -> Integer.parseInt(name, 0, 2, 16) * t / 256 == n - 1;
            case SHARE -> {
                long x = HexFormat.fromHexDigitsToLong(name, 0, 16) ^ (seed * 0x9E3779B97F4A7C15L);
                // SplitMix64's finaliser: names are hashes already, the mix only decorrelates the day
                x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
                x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
                x ^= x >>> 31;
                yield (x >>> 11) * 0x1.0p-53 < share;
            }
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
