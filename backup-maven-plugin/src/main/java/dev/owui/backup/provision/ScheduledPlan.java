package dev.owui.backup.provision;

import dev.owui.backup.plan.Plan;
import dev.owui.backup.schedule.Schedule;

/** A plan with its schedule parsed and converted (cron and OnCalendar). */
public record ScheduledPlan(Plan plan, Schedule schedule) {
    public static ScheduledPlan of(Plan p) {
        return new ScheduledPlan(p, Schedule.parse("plan '" + p.id() + "'", p.schedule()));
    }

    public String id() {
        return plan.id();
    }

    /** Names its units (owui-daily.service/.timer) and its wrapper (owui-daily.sh). */
    public String unitName() {
        return "owui-" + plan.id();
    }

    /** The marker of its crontab block: # BEGIN owui backup daily. */
    public String marker() {
        return "owui backup " + plan.id();
    }

    /** Its file in /etc/cron.d: cron ignores names with dots there, so dots become underscores. */
    public String cronDName() {
        return "owui-" + plan.id().replace('.', '_');
    }
}
