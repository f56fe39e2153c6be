package dev.owui.backup.retention;

import dev.owui.backup.OwuiException;

/**
 * How many backups to keep, restic's way ({@code forget --keep-*}): the newest {@code last}, and
 * the newest backup of each of the newest {@code hourly} hours, {@code daily} days, {@code weekly}
 * ISO weeks (Monday to Sunday), {@code monthly} months and {@code yearly} years that have a
 * backup. Rules combine with OR, and a backup kept by one rule also counts for the others. When a
 * rule has fewer buckets than it asks for, the oldest backup is kept too. 0 disables a rule.
 */
public record Policy(int last, int hourly, int daily, int weekly, int monthly, int yearly) {

    public Policy {
        for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly}) {
            if (n < 0) {
                throw new OwuiException("a retention count is negative (" + n + ")", "use 0 to disable a rule, or a positive count");
            }
        }
        if (last + hourly + daily + weekly + monthly + yearly == 0) {
            throw new OwuiException("the retention policy keeps nothing",
                    "set at least one of owui.keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly");
        }
    }

    public static Policy keepLast(int n) {
        if (n < 1) {
            throw new OwuiException("owui.keep is " + n + ": at least the newest snapshot must be kept",
                    "set owui.keep to 1 or more (default 7)");
        }
        return new Policy(n, 0, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb, "last", last);
        append(sb, "hourly", hourly);
        append(sb, "daily", daily);
        append(sb, "weekly", weekly);
        append(sb, "monthly", monthly);
        append(sb, "yearly", yearly);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, int n) {
        if (n > 0) {
            sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ').append(n);
        }
    }
}
