package dev.owui.backup.schedule;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One field of a 5-field UNIX cron expression expanded to the set of values it matches:
 * {@code *}, numbers, names (JAN, MON…), lists, ranges and steps ({@code *}/n, a-b/n, a/n).
 * The expression has already passed cron-utils' validation; this only has to expand it.
 */
enum CronField {
    MINUTE("minute", 0, 59, Map.of()),
    HOUR("hour", 0, 23, Map.of()),
    DAY_OF_MONTH("day of month", 1, 31, Map.of()),
    MONTH("month", 1, 12, Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2), Map.entry("MAR", 3), Map.entry("APR", 4),
            Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7), Map.entry("AUG", 8), Map.entry("SEP", 9),
            Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12))),
    /** 0 and 7 are Sunday; expanded values are 0..6 (7 folded onto 0). */
    DAY_OF_WEEK("day of week", 0, 7, Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6));

    final String label;
    final int min;
    final int max;
    private final Map<String, Integer> names;

    CronField(String label, int min, int max, Map<String, Integer> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    /** True for a bare {@code *} (or {@code ?}): the field does not restrict anything. */
    static boolean unrestricted(String text) {
        return text.equals("*") || text.equals("?");
    }

    /** The values the field text matches, ascending. */
    TreeSet<Integer> expand(String text) {
        TreeSet<Integer> values = new TreeSet<>();
        for (String part : text.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (unrestricted(range)) {
                from = min;
                to = this == DAY_OF_WEEK ? 6 : max;
            } else if (range.contains("-")) {
                from = value(range.substring(0, range.indexOf('-')));
                to = value(range.substring(range.indexOf('-') + 1));
            } else {
                from = value(range);
                to = slash >= 0 ? (this == DAY_OF_WEEK ? 6 : max) : from; // "a/n": from a to the end, every n
            }
            for (int v = from; v <= to; v += step) {
                values.add(this == DAY_OF_WEEK && v == 7 ? 0 : v);
            }
        }
        return values;
    }

    private int value(String token) {
        Integer named = names.get(token.toUpperCase(Locale.ROOT));
        return named != null ? named : Integer.parseInt(token);
    }
}
