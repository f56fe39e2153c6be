package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SshSession;
import java.util.ArrayList;
import java.util.List;

/**
 * One host as this run sees it once its facts are known: where the job's directory is, whether
 * the login is root, the remote side to read and write through, and the jobs (one per plan)
 * with every path and value their templates get.
 */
record HostContext(Host host, ProvisionOptions o, HostFacts facts, Remote remote, String remoteDir, boolean root, List<Job> jobs) {

    /** Learns the host in one probe and works out the rest from it; a host whose home or uid cannot be learnt fails. */
    static HostContext learn(Host host, SshSession ssh, List<ScheduledPlan> plans, ProvisionOptions o) {
        String dirShell = o.remoteDir().startsWith("~/") ? "\"$HOME\"/" + Remote.quote(o.remoteDir().substring(2)) : Remote.quote(o.remoteDir());
        HostFacts f = HostFacts.parse(ssh.exec(HostFacts.probe(o.path(), dirShell, host.sudo())).stdout());
        if (f.home().isBlank() || f.uid() < 0) {
            throw new OwuiException("cannot learn the home directory and uid of " + ssh.describe(), "check that the login has a POSIX shell");
        }
        String remoteDir = o.remoteDir().startsWith("~/") ? f.home() + "/" + o.remoteDir().substring(2)
                : o.remoteDir().startsWith("/") ? o.remoteDir() : f.home() + "/" + o.remoteDir();
        boolean root = f.uid() == 0;
        Remote remote = new Remote(ssh, root ? "" : "sudo -n ", remoteDir);
        String javaHome = o.javaHome() != null ? o.javaHome() : f.detectedJavaHome();
        String mvn = f.mvn() ? "mvn" : remoteDir + "/mvnw";
        String unitDir = o.system() ? Job.SYSTEM_UNIT_DIR : f.home() + "/.config/systemd/user";
        String cronUser = o.system() ? ssh.user() : "";
        String runAs = o.system() && !root ? ssh.user() : "";
        List<Job> jobs = plans.stream().map(sp -> new Job(sp, host.name(), remoteDir, unitDir, javaHome,
                Job.command(o.command(), o.settings() == null ? mvn : mvn + " -s " + remoteDir + "/" + SettingsFile.NAME, remoteDir + "/pom.xml",
                        sp.id(), sp.plan().goal(), remoteDir), cronUser, runAs, o)).toList();
        return new HostContext(host, o, f, remote, remoteDir, root, jobs);
    }

    boolean systemd() {
        return o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD;
    }

    /** Reads every file this run compares in one round trip (root-owned ones only when the login is root: no sudo in a batch). */
    void prefetch() {
        List<String> paths = new ArrayList<>();
        if (o.opsPom() != null) {
            paths.add(jobs.get(0).opsPom());
        }
        if (o.settings() != null && !o.absent()) {
            paths.add(remoteDir + "/" + SettingsFile.NAME);
            paths.add(remoteDir + "/" + SettingsFile.MARKER);
        }
        for (Job j : jobs) {
            paths.add(j.wrapper());
            if (root || !o.system()) {
                if (systemd()) {
                    paths.add(j.service());
                    paths.add(j.timer());
                } else if (o.system()) {
                    paths.add(j.cronDFile());
                }
            }
        }
        remote.prefetch(paths, !systemd() && !o.system());
    }
}
