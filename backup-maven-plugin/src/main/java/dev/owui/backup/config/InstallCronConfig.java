package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.provision.Host;
import dev.owui.backup.provision.IniInventory;
import dev.owui.backup.provision.Inventory;
import dev.owui.backup.provision.ProvisionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * install-cron's configuration, validated once before any host is contacted: the state, the plan
 * asked for (null: every plan with a schedule), the hosts selected by owui.limit, how every host
 * is worked on, and the operator's templates.
 *
 * @param absent       owui.state=absent: remove what install-cron installed
 * @param plan         owui.plan, or null
 * @param hosts        the hosts to work on, in inventory order
 * @param options      how install-cron works on every host (ops pom and settings.xml contents included)
 * @param templatesDir a directory whose templates replace the packaged ones by name, or null
 */
public record InstallCronConfig(boolean absent, String plan, List<Host> hosts, ProvisionOptions options, Path templatesDir) {
    public InstallCronConfig {
        plan = plan == null || plan.isBlank() ? null : plan.strip();
        hosts = List.copyOf(hosts);
    }

    /**
     * From the goal's parameters (files already resolved against the project): every bad value
     * fails here naming its parameter. The hosts are the INI inventory's when one is given, else
     * the pom's, narrowed by {@code limit}.
     */
    public static InstallCronConfig of(String state, String plan, List<Host> pomHosts, Path inventory, String limit, String scheduler,
                                       boolean system, boolean check, boolean diff, int forks, String remoteDir, String command, String javaHome,
                                       String path, String randomizedDelay, Path templatesDir, Path opsPom, Path settingsFile) {
        boolean absent = absent(state);
        Inventory all = inventory != null ? IniInventory.read(inventory) : new Inventory(pomHosts == null ? List.of() : pomHosts, "the pom's <hosts>");
        List<Host> selected = all.select(limit);
        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.parse(scheduler), system, absent, check, diff, forks, remoteDir, command,
                javaHome, path, seconds(randomizedDelay), read(opsPom, "the ops pom ", "fix owui.opsPom"),
                read(settingsFile, "owui.settingsFile ", "fix the path, or leave it unset"));
        return new InstallCronConfig(absent, plan, selected, o, templatesDir);
    }

    /** owui.state: present installs, absent removes. */
    static boolean absent(String state) {
        return switch (state == null ? "present" : state.strip().toLowerCase(Locale.ROOT)) {
            case "present" -> false;
            case "absent" -> true;
            default -> throw new OwuiException("owui.state is '" + state + "'", "use present (install) or absent (remove)");
        };
    }

    private static final Pattern DELAY = Pattern.compile("(\\d+)\\s*(s|sec|m|min|h|hour)?");

    /** owui.randomizedDelay, "900", "30s", "15min", "1h", as seconds. */
    public static int seconds(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return 0;
        }
        Matcher m = DELAY.matcher(t);
        if (!m.matches()) {
            throw new OwuiException("owui.randomizedDelay is '" + text + "'", "give seconds or a number with s, min or h (e.g. 15min)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long s = switch (unit) {
            case "m", "min" -> n * 60;
            case "h", "hour" -> n * 3600;
            default -> n;
        };
        return (int) Math.min(Integer.MAX_VALUE, s);
    }

    /** A file's content put on the hosts (the ops pom, a settings.xml), or null when none is given. */
    private static String read(Path file, String what, String advice) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new OwuiException("cannot read " + what + file + ": " + e.getMessage(), advice, e);
        }
    }
}
