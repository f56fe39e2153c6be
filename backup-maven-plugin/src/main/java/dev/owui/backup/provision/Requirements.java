package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.ExecResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What a host must offer before anything is written there: root (or sudo) for system locations,
 * the job's tools on its PATH, and for systemd a calendar the host's own systemd accepts. Each
 * check fails the host with what is missing and what to do.
 */
final class Requirements {
    private Requirements() {
    }

    /** /etc/cron.d and /etc/systemd/system need root, or a sudo -n the host allows. */
    static void mayWriteSystemLocations(HostContext h) {
        String user = h.remote().user();
        Host host = h.host();
        ProvisionOptions o = h.o();
        if (o.system() && !h.root() && !(host.sudo() && h.facts().sudoOk())) {
            throw new OwuiException("host " + host.name() + ": " + (o.scheduler() == ProvisionOptions.Scheduler.CRON ? "/etc/cron.d" : Job.SYSTEM_UNIT_DIR)
                    + " needs root, and " + user + " is not root" + (host.sudo() ? " and cannot run sudo -n without a password" : " and sudo is not enabled for this host"),
                    host.sudo() ? "allow passwordless sudo for " + user + " there, or install into the user's own crontab / units (owui.system=false)"
                            : "set <sudo>true</sudo> (or ansible_become=true) for the host, or install into the user's own crontab / units (owui.system=false)");
        }
    }

    /** The job can run: java (and mvn or the ops repository's mvnw) on the rendered PATH, flock, the scheduler's tools. */
    static void jobCanRun(HostContext h) {
        ProvisionOptions o = h.o();
        HostFacts f = h.facts();
        List<String> missing = new ArrayList<>();
        if (o.javaHome() == null && f.java().isBlank()) {
            missing.add("java (a JDK 17+) is not on the job's PATH " + o.path());
        }
        if (o.command() == null && !f.mvn() && !f.mvnw()) {
            missing.add("neither mvn is on the job's PATH " + o.path() + " nor is " + h.remoteDir() + "/mvnw executable");
        }
        if (!f.flock()) {
            missing.add("flock (util-linux) is not on the job's PATH " + o.path());
        }
        if (o.scheduler() == ProvisionOptions.Scheduler.CRON && !o.system() && !f.crontab()) {
            missing.add("crontab is not installed (Debian package cron)");
        }
        if (!missing.isEmpty()) {
            throw new OwuiException("host " + h.host().name() + " cannot run the job: " + String.join("; ", missing),
                    "install what is missing there, or point owui.path (and owui.javaHome) at where it is");
        }
    }

    /** A given owui.javaHome has a java there, and the host's own systemd (the last word on its calendar syntax) accepts every OnCalendar. */
    static void hostAccepts(HostContext h) {
        ProvisionOptions o = h.o();
        Remote remote = h.remote();
        if (o.javaHome() != null) {
            ExecResult r = remote.run("[ -x " + Remote.quote(o.javaHome() + "/bin/java") + " ]");
            if (!r.ok()) {
                throw new OwuiException("host " + h.host().name() + ": owui.javaHome " + o.javaHome() + " has no bin/java", "give the JDK's directory on the host");
            }
        }
        if (h.systemd() && h.facts().systemdAnalyze()) {
            for (Job j : h.jobs()) {
                ExecResult r = remote.run("systemd-analyze calendar " + Remote.quote(j.sp().schedule().onCalendar()) + " >/dev/null");
                if (!r.ok()) {
                    throw new OwuiException("host " + h.host().name() + ": its systemd rejects OnCalendar=" + j.sp().schedule().onCalendar() + " (plan '"
                            + j.sp().id() + "'): " + r.firstErrorLine(), "use a simpler schedule, or owui.scheduler=cron on that host");
                }
            }
        }
    }
}
