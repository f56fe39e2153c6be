package dev.owui.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.owui.backup.OwuiException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Cron expressions converted to OnCalendar, checked against systemd itself and against cron-utils' run times. */
class ScheduleTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "30 2 * * *       | *-*-* 02:30:00",
            "@daily           | *-*-* 00:00:00",
            "@hourly          | *-*-* *:00:00",
            "@weekly          | Sun *-*-* 00:00:00",
            "@monthly         | *-*-01 00:00:00",
            "@yearly          | *-01-01 00:00:00",
            "*/15 * * * *     | *-*-* *:00/15:00",
            "0 */6 * * *      | *-*-* 00/6:00:00",
            "0 9-17 * * 1-5   | Mon..Fri *-*-* 09..17:00:00",
            "0 3 * * sat,sun  | Sat,Sun *-*-* 03:00:00",
            "0 3 * * 0        | Sun *-*-* 03:00:00",
            "0 3 * * 7        | Sun *-*-* 03:00:00",
            "0 3 * * MON,WED,FRI | Mon,Wed,Fri *-*-* 03:00:00",
            "5 4 1,15 * *     | *-*-01,15 04:05:00",
            "0 0 1 jan-mar *  | *-01..03-01 00:00:00",
            "0 0 */10 * *     | *-*-01/10 00:00:00",
            "0,30 8-10,20 * * * | *-*-* 08..10,20:00,30:00",
            "0-30/10 1 * * *  | *-*-* 01:00,10,20,30:00",
    })
    void convertsTheCommonForms(String cron, String onCalendar) {
        assertEquals(onCalendar, Schedule.parse("plan 'p'", cron).onCalendar());
    }

    /** The strongest check there is: systemd's own next elapses equal cron-utils' next executions. */
    @ParameterizedTest
    @ValueSource(strings = {"30 2 * * *", "*/15 * * * *", "0 9-17 * * 1-5", "0 3 * * sat,sun", "5 4 1,15 * *",
            "0 0 1 jan-mar *", "0 0 */10 * *", "0,30 8-10,20 * * *", "0-30/10 1 * * *", "@weekly", "@yearly", "7 */5 * 2-11/3 *"})
    void systemdFiresAtTheSameMinutesAsCron(String cron) {
        SystemdAnalyze sa = SystemdAnalyze.find();
        assumeTrue(sa != null, "needs systemd-analyze (Debian package systemd)");
        Schedule s = Schedule.parse("plan 'p'", cron);
        sa.calendar("plan 'p'", s.onCalendar());
        List<String> systemd = sa.nextElapses(s.onCalendar(), 8);
        ExecutionTime cronTimes = ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(s.cron()));
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);
        List<String> expected = new ArrayList<>();
        ZonedDateTime t = ZonedDateTime.now(ZoneOffset.UTC);
        for (int i = 0; i < 8; i++) {
            t = cronTimes.nextExecution(t).orElseThrow();
            expected.add(fmt.format(t));
        }
        assertEquals(expected, systemd, cron + " as " + s.onCalendar());
    }

    @Test
    void bothDayFieldsRestrictedIsRejectedWithTheReason() {
        OwuiException e = assertThrows(OwuiException.class, () -> Schedule.parse("plan 'daily'", "0 3 1 * mon"));
        assertTrue(e.getMessage().contains("plan 'daily'") && e.getMessage().contains("EITHER") && e.getMessage().contains("BOTH"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"61 * * * *", "* * * *", "0 0 * * * *", "@reboot", "@fortnightly", "0 0 L * *", "banana"})
    void badSchedulesFailNamingThePlan(String cron) {
        OwuiException e = assertThrows(OwuiException.class, () -> Schedule.parse("plan 'daily'", cron));
        assertTrue(e.getMessage().startsWith("plan 'daily'") && e.remedy() != null, e.getMessage());
    }
}
