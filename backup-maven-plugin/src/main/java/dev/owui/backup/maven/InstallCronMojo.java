package dev.owui.backup.maven;

import dev.owui.backup.app.InstallCronResult;
import dev.owui.backup.app.Owui;
import dev.owui.backup.config.InstallCronConfig;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.render.InstallCronRender;
import java.io.File;
import java.util.List;
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
        InstallCronConfig config = InstallCronConfig.of(state, plan, hosts == null ? null : hosts.stream().map(HostConfig::toHost).toList(),
                resolve(inventory), limit, scheduler, system, check, diff, forks, remoteDir, command, javaHome, path, randomizedDelay,
                resolve(templatesDir), resolve(opsPom), resolve(settingsFile));
        // No notifiers: install-cron sends none (it is set-up, not a backup run) and takes no owui.notify.*.
        Owui owui = owui();
        InstallCronRender render = new InstallCronRender(owui.context().log());
        InstallCronResult result = owui.installCron(config, render);
        render.recap(result.run());
        InstallCronRender.json(result, report().section());
        result.throwIfFailed();
    }
}
