package dev.owui.backup.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.owui.backup.OwuiException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A plan's schedule, given once as a 5-field UNIX cron expression or a macro (@hourly, @daily,
 * @weekly, @monthly, @yearly/@annually, @midnight), and rendered both ways: the cron line as given
 * and the equivalent systemd {@code OnCalendar=} value. What one of them cannot express the other
 * way is rejected here, before anything is installed: cron's "day of month OR day of week" when
 * both are restricted (systemd requires both), and @reboot (a boot trigger, not a calendar).
 *
 * @param expression the text as the plan gives it
 * @param cron       the 5 fields cron runs (a macro expanded: cron-utils and systemd read it the same way)
 * @param onCalendar the systemd calendar event that fires at exactly the same minutes
 */
public record Schedule(String expression, String cron, String onCalendar) {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final String FORM = "write 5 fields (minute hour day-of-month month day-of-week, e.g. 30 2 * * *) "
            + "with numbers, names (JAN, MON), lists, ranges and steps, or @hourly/@daily/@weekly/@monthly/@yearly";
    private static final String[] DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

    /** Parses and converts {@code expression}; {@code owner} names where it came from in messages (plan 'daily'). */
    public static Schedule parse(String owner, String expression) {
        if (expression == null || expression.isBlank()) {
            throw new OwuiException(owner + " has no schedule", "give it one: <schedule>30 2 * * *</schedule>");
        }
        String given = expression.trim().replaceAll("\\s+", " ");
        String cron = given;
        if (given.startsWith("@")) {
            String lower = given.toLowerCase(Locale.ROOT);
            if (lower.equals("@reboot")) {
                throw new OwuiException(owner + " has the schedule @reboot, which is a boot trigger, not a calendar: systemd's OnCalendar cannot express it",
                        "give a calendar schedule (e.g. @daily); run a job at boot with a unit of your own");
            }
            cron = MACROS.get(lower);
            if (cron == null) {
                throw new OwuiException(owner + " has the unknown schedule macro " + given, FORM);
            }
        }
        String[] f = cron.split(" ");
        if (f.length != 5) {
            throw new OwuiException(owner + " has the schedule '" + given + "' with " + f.length + " fields, cron needs 5", FORM);
        }
        try {
            UNIX.parse(cron).validate();
        } catch (IllegalArgumentException e) {
            throw new OwuiException(owner + " has the invalid cron schedule '" + given + "': " + e.getMessage(), FORM, e);
        }
        if (!CronField.unrestricted(f[2]) && !CronField.unrestricted(f[4])) {
            throw new OwuiException(owner + "'s schedule '" + given + "' restricts both the day of month (" + f[2] + ") and the day of week ("
                    + f[4] + "): cron runs when EITHER matches, systemd's OnCalendar only when BOTH do, so one schedule cannot mean the same in both",
                    "restrict only one of them (use * for the other), or split it into two plans");
        }
        return new Schedule(given, cron, onCalendar(f));
    }

    private static String onCalendar(String[] f) {
        String minute = compact(CronField.MINUTE, f[0]);
        String hour = compact(CronField.HOUR, f[1]);
        String day = compact(CronField.DAY_OF_MONTH, f[2]);
        String month = compact(CronField.MONTH, f[3]);
        String date = "*-" + month + "-" + day;
        String time = hour + ":" + minute + ":00";
        if (CronField.unrestricted(f[4])) {
            return date + " " + time;
        }
        return weekdays(CronField.DAY_OF_WEEK.expand(f[4])) + " " + date + " " + time;
    }

    /** systemd's spelling of one field: *, a single value, a range a..b, a step start/n, or a list of those. */
    private static String compact(CronField field, String text) {
        TreeSet<Integer> v = field.expand(text);
        if (v.size() == field.max - field.min + 1) {
            return "*";
        }
        List<Integer> values = List.copyOf(v);
        int width = field == CronField.MINUTE || field == CronField.HOUR || field == CronField.DAY_OF_MONTH || field == CronField.MONTH ? 2 : 1;
        if (values.size() > 2) {
            int step = values.get(1) - values.get(0);
            boolean arithmetic = step > 1;
            for (int i = 2; i < values.size() && arithmetic; i++) {
                arithmetic = values.get(i) - values.get(i - 1) == step;
            }
            // start/step runs to the end of the field in systemd, so it must reach the last value that fits.
            if (arithmetic && values.get(values.size() - 1) + step > field.max) {
                return pad(values.get(0), width) + "/" + step;
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < values.size()) {
            int j = i;
            while (j + 1 < values.size() && values.get(j + 1) == values.get(j) + 1) {
                j++;
            }
            out.append(out.length() == 0 ? "" : ",").append(pad(values.get(i), width));
            if (j > i + 1) {
                out.append("..").append(pad(values.get(j), width));
            } else if (j == i + 1) {
                out.append(",").append(pad(values.get(j), width));
            }
            i = j + 1;
        }
        return out.toString();
    }

    /** Days of the week, Monday first as systemd orders them: Mon..Fri, Sat,Sun, Mon,Wed,Fri. */
    private static String weekdays(TreeSet<Integer> days) {
        List<Integer> mondayFirst = days.stream().map(d -> d == 0 ? 7 : d).sorted().toList();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < mondayFirst.size()) {
            int j = i;
            while (j + 1 < mondayFirst.size() && mondayFirst.get(j + 1) == mondayFirst.get(j) + 1) {
                j++;
            }
            out.append(out.length() == 0 ? "" : ",").append(DAYS[mondayFirst.get(i) % 7]);
            if (j > i + 1) {
                out.append("..").append(DAYS[mondayFirst.get(j) % 7]);
            } else if (j == i + 1) {
                out.append(",").append(DAYS[mondayFirst.get(j) % 7]);
            }
            i = j + 1;
        }
        return out.toString();
    }

    private static String pad(int value, int width) {
        String s = Integer.toString(value);
        return s.length() < width ? "0".repeat(width - s.length()) + s : s;
    }
}
