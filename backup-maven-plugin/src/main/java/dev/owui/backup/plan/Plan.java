package dev.owui.backup.plan;

import dev.owui.backup.OwuiException;
import dev.owui.backup.retention.Policy;
import java.util.List;
import java.util.Locale;

/**
 * A named job from the ops pom: which targets it writes, how it captures, what it keeps and when
 * it runs. A backup plan captures the instance once and stores to each target; a copy plan
 * ({@code copyFrom} set) copies the backups of one target to its targets instead (the weekly
 * "pulled to the NAS" copy of the tutorial's plans).
 *
 * @param id        the name given with -Dowui.plan
 * @param targets   ids of the targets it writes (at least one)
 * @param mode      hot, paused or cold (a copy plan ignores it)
 * @param retention what to keep at each of its targets after a successful run, or null to keep all
 * @param schedule  when it runs, a 5-field cron expression or @daily/@weekly…; used by install-cron; may be null
 * @param copyFrom  the target id a copy plan reads from, or null for a backup plan
 */
public record Plan(String id, List<String> targets, String mode, Policy retention, String schedule, String copyFrom) {

    public static final String HOT = "hot";
    public static final String PAUSED = "paused";
    public static final String COLD = "cold";

    public Plan {
        if (id == null || id.isBlank() || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new OwuiException("plan id '" + id + "' is not a simple name",
                    "use letters, digits, '.', '_' and '-' (it names systemd units and cron blocks), e.g. daily");
        }
        if (targets == null || targets.isEmpty()) {
            throw new OwuiException("plan '" + id + "' names no targets", "list the ids of its targets: <targets><target>offsite</target></targets>");
        }
        targets = List.copyOf(targets);
        mode = mode == null || mode.isBlank() ? HOT : mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of(HOT, PAUSED, COLD).contains(mode)) {
            throw new OwuiException("plan '" + id + "' has mode '" + mode + "'", "use hot, paused or cold");
        }
        schedule = schedule == null || schedule.isBlank() ? null : schedule.trim();
        copyFrom = copyFrom == null || copyFrom.isBlank() ? null : copyFrom.trim();
        if (copyFrom != null && targets.contains(copyFrom)) {
            throw new OwuiException("plan '" + id + "' copies from " + copyFrom + " into itself", "remove " + copyFrom + " from its targets");
        }
    }

    /** The goal that runs this plan: copy for a copy plan, backup otherwise. */
    public String goal() {
        return copyFrom == null ? "backup" : "copy";
    }
}
