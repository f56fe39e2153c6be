package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.provision.Host;
import dev.owui.backup.provision.HostResult;
import dev.owui.backup.provision.IniInventory;
import dev.owui.backup.provision.Inventory;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.provision.Provisioner;
import dev.owui.backup.provision.ScheduledPlan;
import dev.owui.backup.provision.Templates;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshConnector;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Puts the plans' schedules on the hosts that run them, over SSH, the way Ansible would:
 * crontab blocks or systemd timers rendered from FreeMarker templates, a wrapper script per plan
 * and the ops pom; idempotent, with check and diff modes and a per-host recap
 * (README: "Scheduling with install-cron").
 */
@Mojo(name = "install-cron", threadSafe = true)
public class InstallCronMojo extends AbstractOwuiMojo {

    /** The hosts: {@code <host><name>web1</name><address>10.0.0.5</address><user>backup</user><groups><group>web</group></groups></host>}. */
    @Parameter
    private List<HostConfig> hosts;

    /** An Ansible INI inventory file; replaces {@code <hosts>} when given. */
    @Parameter(property = "owui.inventory")
    private File inventory;

    /** Hosts and groups to work on, Ansible-style: {@code web}, {@code web1,db}, {@code all,!web3}. */
    @Parameter(property = "owui.limit")
    private String limit;

    /** cron or systemd. */
    @Parameter(property = "owui.scheduler", defaultValue = "cron")
    private String scheduler;

    /** System-wide: /etc/cron.d or /etc/systemd/system (root or sudo), instead of the user's crontab or ~/.config/systemd/user. */
    @Parameter(property = "owui.system", defaultValue = "false")
    private boolean system;

    /** present installs, absent removes exactly what install-cron installed. */
    @Parameter(property = "owui.state", defaultValue = "present")
    private String state;

    /** Change nothing; report what would change. */
    @Parameter(property = "owui.check", defaultValue = "false")
    private boolean check;

    /** Print a unified diff of every change. */
    @Parameter(property = "owui.diff", defaultValue = "false")
    private boolean diff;

    /** Hosts worked on at once. */
    @Parameter(property = "owui.forks", defaultValue = "5")
    private int forks;

    /** The job's directory on each host (ops pom, wrapper scripts, logs); ~/ is the login's home. */
    @Parameter(property = "owui.remoteDir", defaultValue = ProvisionOptions.DEFAULT_REMOTE_DIR)
    private String remoteDir;

    /** The job's command; {pom}, {plan}, {goal} and {dir} are filled in. Default: mvn -B -f {pom} owui:{goal} -Dowui.plan={plan}. */
    @Parameter(property = "owui.command")
    private String command;

    /** JAVA_HOME on the hosts (default: the JDK of the java on owui.path there). */
    @Parameter(property = "owui.javaHome")
    private String javaHome;

    /** The PATH the job runs with on the hosts. */
    @Parameter(property = "owui.path", defaultValue = ProvisionOptions.DEFAULT_PATH)
    private String path;

    /** systemd timers' RandomizedDelaySec: seconds, or with a unit (30s, 15min, 1h); 0 for none. */
    @Parameter(property = "owui.randomizedDelay", defaultValue = "0")
    private String randomizedDelay;

    /** A directory whose templates replace the packaged ones by name (crontab-entry.ftl, job.sh.ftl, systemd-service.ftl, systemd-timer.ftl). */
    @Parameter(property = "owui.templatesDir")
    private File templatesDir;

    /** The ops pom put on each host as {remoteDir}/pom.xml (default: this project's pom). */
    @Parameter(property = "owui.opsPom", defaultValue = "${project.file}")
    private File opsPom;

    /**
     * Only when asked: a settings.xml (with the servers the plans' targets and encryption need)
     * put on each host as {remoteDir}/settings.xml, mode 0600, never shown in a diff; the job then
     * runs Maven with {@code -s} it. Without it nothing secret leaves this machine: give each host
     * its own ~/.m2/settings.xml. Encrypted passwords also need the host's settings-security.xml.
     * owui.state=absent removes it again with the last plan (without this parameter: a marker
     * beside it says it is install-cron's).
     */
    @Parameter(property = "owui.settingsFile")
    private File settingsFile;

    @Override
    protected String goal() {
        return "install-cron";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        boolean absent = switch (state == null ? "present" : state.strip().toLowerCase(Locale.ROOT)) {
            case "present" -> false;
            case "absent" -> true;
            default -> throw new OwuiException("owui.state is '" + state + "'", "use present (install) or absent (remove)");
        };
        PlanBook book = planBook();
        List<Plan> chosen = plan != null && !plan.isBlank() ? List.of(chosenPlan(book, plan.strip(), absent, log))
                : book.plans().stream().filter(p -> p.schedule() != null).toList();
        if (plan != null && !plan.isBlank() && chosen.get(0).schedule() == null) {
            throw new OwuiException("plan '" + plan + "' has no <schedule>", "give it one (e.g. <schedule>30 2 * * *</schedule>)");
        }
        List<ScheduledPlan> plans = chosen.stream().map(ScheduledPlan::of).toList();

        Path inv = resolve(inventory);
        Inventory all = inv != null ? IniInventory.read(inv)
                : new Inventory(hosts == null ? List.of() : hosts.stream().map(HostConfig::toHost).toList(), "the pom's <hosts>");
        List<Host> selected = all.select(limit);

        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.parse(scheduler), system, absent, check, diff, forks,
                remoteDir, command, javaHome, path, seconds(randomizedDelay), readOpsPom(), readSettings());
        log.info("install-cron: " + (absent ? "removing" : "installing") + " " + plans.stream().map(ScheduledPlan::id).toList() + " with "
                + o.scheduler().id() + (system ? " (system-wide)" : "") + " on " + selected.size() + " host(s)" + (check ? ", check mode" : "")
                + ": " + String.join(", ", selected.stream().map(h -> h.address().equals(h.name()) ? h.name() : h.name() + " (" + h.address() + ")").toList()));
        Provisioner p = new Provisioner(o, new Templates(resolve(templatesDir)), this::connect, log);
        List<HostResult> results = p.run(selected, plans);
        java.util.Map<String, Object> section = report().section();
        section.put("state", absent ? "absent" : "present");
        section.put("scheduler", o.scheduler().id());
        section.put("system", system);
        section.put("check", check);
        section.put("plans", plans.stream().map(ScheduledPlan::id).toList());
        section.put("hosts", results.stream().map(r -> {
            java.util.Map<String, Object> h = new java.util.LinkedHashMap<>();
            h.put("host", r.host());
            h.put("result", r.unreachable() ? "unreachable" : r.failed() ? "failed" : r.changed() > 0 ? "changed" : "ok");
            h.put("ok", r.ok());
            h.put("changed", r.changed());
            h.put("error", r.error());
            h.put("tasks", r.tasks().stream().map(t -> {
                java.util.Map<String, Object> task = new java.util.LinkedHashMap<>();
                task.put("name", t.name());
                task.put("result", t.changed() ? "changed" : "ok");
                task.put("diff", t.diff());
                return task;
            }).toList());
            return h;
        }).toList());

        List<String> bad = results.stream().filter(r -> r.failed() || r.unreachable())
                .map(r -> r.host() + (r.unreachable() ? " (unreachable)" : " (failed)")).toList();
        if (!bad.isEmpty()) {
            throw new OwuiException("install-cron did not complete on " + bad.size() + " of " + results.size() + " host(s): " + String.join(", ", bad),
                    "see each host's message above, fix it and run again; the other hosts are done and stay unchanged on a rerun");
        }
    }

    private dev.owui.backup.ssh.SshSession connect(Host h) {
        return SshConnector.open(new SftpUrl(h.user(), h.address(), h.port(), "/"), sshOptions(h.serverId()));
    }

    /**
     * The plan named by owui.plan. Removing works for a plan already deleted from the pom too: what
     * install-cron put on the hosts is found by the plan's name alone (its block, wrapper, units).
     */
    private static Plan chosenPlan(PlanBook book, String id, boolean absent, EngineLog log) {
        if (absent && book.plans().stream().noneMatch(p -> p.id().equals(id))) {
            log.info("plan '" + id + "' is not in the pom: removing what install-cron installed under that name");
            return new Plan(id, List.of("(removed)"), null, null, "@daily", null);
        }
        return book.plan(id);
    }

    private String readSettings() {
        Path file = resolve(settingsFile);
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new OwuiException("cannot read owui.settingsFile " + file + ": " + e.getMessage(), "fix the path, or leave it unset", e);
        }
    }

    private String readOpsPom() {
        Path pom = resolve(opsPom);
        if (pom == null) {
            return null;
        }
        try {
            return Files.readString(pom);
        } catch (IOException e) {
            throw new OwuiException("cannot read the ops pom " + pom + ": " + e.getMessage(), "fix owui.opsPom", e);
        }
    }

    /** "900", "30s", "15min", "1h" as seconds. */
    static int seconds(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(s|sec|m|min|h|hour)?").matcher(t);
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
}
