package dev.owui.backup.provision;

import java.util.HashMap;
import java.util.Map;

/**
 * What one probe command learned about a host: home, uid, which tools the job's PATH finds,
 * whether systemd runs. Read from {@code key=value} lines (see {@link #probe}). Part of the
 * host's result, as Ansible's gathered facts are.
 */
public record HostFacts(String home, int uid, String java, String javaReal, boolean mvn, boolean mvnw, boolean flock, boolean crontab,
                 boolean systemctl, boolean systemdAnalyze, boolean systemdRunning, boolean sudoOk) {

    /** One shell command printing every fact, so a host costs one round trip to learn. */
    static String probe(String path, String remoteDirShell, boolean trySudo) {
        // install-cron's own tools on the login's PATH; the job's tools on the PATH the job will have.
        return "printf 'home=%s\\nuid=%s\\n' \"$HOME\" \"$(id -u)\"; "
                + "for t in crontab systemctl systemd-analyze; do printf '%s=%s\\n' \"$t\" \"$(command -v $t || true)\"; done; "
                + "PATH=" + Remote.quote(path) + "; export PATH; "
                + "for t in java mvn flock; do printf '%s=%s\\n' \"$t\" \"$(command -v $t || true)\"; done; "
                + "j=$(command -v java || true); [ -z \"$j\" ] || printf 'javareal=%s\\n' \"$(readlink -f \"$j\")\"; "
                + "[ ! -x " + remoteDirShell + "/mvnw ] || echo mvnw=yes; "
                + "[ ! -d /run/systemd/system ] || echo systemd=running; "
                + (trySudo ? "! sudo -n true 2>/dev/null || echo sudo=ok; " : "")
                + "true";
    }

    static HostFacts parse(String out) {
        Map<String, String> m = new HashMap<>();
        out.lines().forEach(l -> {
            int eq = l.indexOf('=');
            if (eq > 0) {
                m.put(l.substring(0, eq), l.substring(eq + 1));
            }
        });
        int uid;
        try {
            uid = Integer.parseInt(m.getOrDefault("uid", "-1"));
        } catch (NumberFormatException e) {
            uid = -1;
        }
        return new HostFacts(m.getOrDefault("home", ""), uid, m.getOrDefault("java", ""), m.getOrDefault("javareal", ""),
                has(m, "mvn"), "yes".equals(m.get("mvnw")), has(m, "flock"), has(m, "crontab"), has(m, "systemctl"),
                has(m, "systemd-analyze"), "running".equals(m.get("systemd")), "ok".equals(m.get("sudo")));
    }

    private static boolean has(Map<String, String> m, String key) {
        return !m.getOrDefault(key, "").isBlank();
    }

    /** JAVA_HOME of the java the PATH finds: /usr/lib/jvm/x for /usr/lib/jvm/x/bin/java, else "". */
    String detectedJavaHome() {
        String real = javaReal.isBlank() ? java : javaReal;
        return real.endsWith("/bin/java") ? real.substring(0, real.length() - "/bin/java".length()) : "";
    }
}
