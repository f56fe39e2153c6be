package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import java.util.Locale;

/**
 * How install-cron works on every host.
 *
 * @param scheduler          cron or systemd
 * @param system             cron: a file in /etc/cron.d instead of the user's crontab; systemd:
 *                           units in /etc/systemd/system instead of ~/.config/systemd/user (both need root or sudo)
 * @param absent             remove what install-cron installed instead of installing it
 * @param check              change nothing, report what would change
 * @param diff               print a unified diff of every change
 * @param forks              hosts worked on at once
 * @param remoteDir          the job's directory on the host (ops pom, wrapper scripts, logs); ~/ is the login's home
 * @param command            the job's command with {pom}, {plan} and {goal} filled in; null for
 *                           {@code mvn -B -f {pom} owui:{goal} -Dowui.plan={plan}}
 * @param javaHome           JAVA_HOME on the host; null: the one of the {@code java} on {@link #path}
 * @param path               PATH the job runs with
 * @param randomizedDelaySec systemd timers' RandomizedDelaySec, 0 for none
 * @param opsPom             the ops pom's content to put on the host as {remoteDir}/pom.xml, or null for none
 * @param settings           a settings.xml's content (credentials!) to put on the host as {remoteDir}/settings.xml,
 *                           mode 0600, only when the operator asks (owui.settingsFile); the job then runs Maven with
 *                           {@code -s} it. Null for none: nothing secret leaves this machine by default
 */
public record ProvisionOptions(Scheduler scheduler, boolean system, boolean absent, boolean check, boolean diff, int forks,
                               String remoteDir, String command, String javaHome, String path, int randomizedDelaySec, String opsPom,
                               String settings) {

    public ProvisionOptions(Scheduler scheduler, boolean system, boolean absent, boolean check, boolean diff, int forks,
                            String remoteDir, String command, String javaHome, String path, int randomizedDelaySec, String opsPom) {
        this(scheduler, system, absent, check, diff, forks, remoteDir, command, javaHome, path, randomizedDelaySec, opsPom, null);
    }

    public enum Scheduler {
        CRON, SYSTEMD;

        public static Scheduler parse(String s) {
            try {
                return valueOf((s == null || s.isBlank() ? "cron" : s.strip()).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new OwuiException("owui.scheduler is '" + s + "'", "use cron or systemd");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    public static final String DEFAULT_REMOTE_DIR = "~/owui-ops";

    public ProvisionOptions {
        if (forks < 1) {
            throw new OwuiException("owui.forks is " + forks, "give at least 1 (default 5)");
        }
        remoteDir = remoteDir == null || remoteDir.isBlank() ? DEFAULT_REMOTE_DIR : remoteDir.strip();
        path = path == null || path.isBlank() ? DEFAULT_PATH : path.strip();
        // These go into shell scripts, crontab lines and unit files unquoted or single-quoted: keep them plain.
        plain("owui.remoteDir", remoteDir.startsWith("~/") ? remoteDir.substring(2) : remoteDir);
        plain("owui.path", path);
        if (javaHome != null && !javaHome.isBlank()) {
            plain("owui.javaHome", javaHome.strip());
            javaHome = javaHome.strip();
        } else {
            javaHome = null;
        }
        if (command != null && (command.isBlank() || command.contains("\n"))) {
            throw new OwuiException("owui.command is empty or spans lines", "give one command line, e.g. mvn -B -q -f {pom} owui:{goal} -Dowui.plan={plan}");
        }
        if (randomizedDelaySec < 0) {
            throw new OwuiException("owui.randomizedDelay is negative", "give seconds, 0 for none");
        }
    }

    private static void plain(String what, String value) {
        if (!value.matches("[A-Za-z0-9._/:+@=-]+")) {
            throw new OwuiException(what + " '" + value + "' has characters that would need quoting in crontabs and unit files",
                    "use letters, digits and . _ / : + @ = - only");
        }
    }
}
