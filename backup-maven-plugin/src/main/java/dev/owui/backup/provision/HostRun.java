package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.ExecResult;
import dev.owui.backup.ssh.SshSession;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * install-cron on one host: connect, learn the host (one probe), check it can run the job, then
 * for every file compare what is there with what would be rendered and write only differences
 * (or, with state absent, remove what is ours). Every step is a task that is ok or changed; the
 * first failure ends the host. Lines are collected, not logged, so parallel hosts never interleave.
 */
final class HostRun {
    /** The file name of a settings.xml pushed on request (owui.settingsFile), in the job's directory. */
    static final String SETTINGS = "settings.xml";
    /**
     * Written next to the settings.xml when install-cron puts it there: absent removes a
     * settings.xml only when this says it is ours (one the operator placed by hand stays).
     */
    static final String SETTINGS_MARKER = ".settings.xml.owui-installed";
    static final String MARKER_TEXT = "settings.xml was put here by owui:install-cron (owui.settingsFile);"
            + " owui:install-cron -Dowui.state=absent removes it\n";

    private final Host host;
    private final List<ScheduledPlan> plans;
    private final ProvisionOptions o;
    private final Templates templates;
    private final Function<Host, SshSession> connect;
    private final List<String> lines = new ArrayList<>();
    private final List<HostResult.Task> tasks = new ArrayList<>();
    private int ok;
    private int changed;

    HostRun(Host host, List<ScheduledPlan> plans, ProvisionOptions o, Templates templates, Function<Host, SshSession> connect) {
        this.host = host;
        this.plans = plans.stream().filter(p -> host.runs(p.id())).toList();
        this.o = o;
        this.templates = templates;
        this.connect = connect;
    }

    HostResult run() {
        SshSession ssh;
        try {
            ssh = connect.apply(host);
        } catch (OwuiException e) {
            return new HostResult(host.name(), ok, changed, true, false, e.getMessage(), lines, tasks);
        }
        try (ssh) {
            try {
                work(ssh);
                return new HostResult(host.name(), ok, changed, false, false, null, lines, tasks);
            } catch (OwuiException e) {
                // Asked before the session is closed: a connection lost mid-way counts as unreachable, like Ansible's.
                boolean lost = !ssh.isConnected();
                return new HostResult(host.name(), ok, changed, lost, !lost, e.getMessage(), lines, tasks);
            }
        }
    }

    private void work(SshSession ssh) {
        if (plans.isEmpty()) {
            lines.add("skipped: no selected plan runs on this host");
            return;
        }
        String dirShell = o.remoteDir().startsWith("~/") ? "\"$HOME\"/" + Remote.quote(o.remoteDir().substring(2)) : Remote.quote(o.remoteDir());
        HostFacts f = HostFacts.parse(ssh.exec(HostFacts.probe(o.path(), dirShell, host.sudo())).stdout());
        if (f.home().isBlank() || f.uid() < 0) {
            throw new OwuiException("cannot learn the home directory and uid of " + ssh.describe(), "check that the login has a POSIX shell");
        }
        String remoteDir = o.remoteDir().startsWith("~/") ? f.home() + "/" + o.remoteDir().substring(2)
                : o.remoteDir().startsWith("/") ? o.remoteDir() : f.home() + "/" + o.remoteDir();
        boolean root = f.uid() == 0;
        String sudo = root ? "" : "sudo -n ";
        if (o.system() && !root && !(host.sudo() && f.sudoOk())) {
            throw new OwuiException("host " + host.name() + ": " + (o.scheduler() == ProvisionOptions.Scheduler.CRON ? "/etc/cron.d" : Job.SYSTEM_UNIT_DIR)
                    + " needs root, and " + ssh.user() + " is not root" + (host.sudo() ? " and cannot run sudo -n without a password" : " and sudo is not enabled for this host"),
                    host.sudo() ? "allow passwordless sudo for " + ssh.user() + " there, or install into the user's own crontab / units (owui.system=false)"
                            : "set <sudo>true</sudo> (or ansible_become=true) for the host, or install into the user's own crontab / units (owui.system=false)");
        }
        Remote remote = new Remote(ssh, sudo, remoteDir);
        if (!o.absent()) {
            requirements(f, remoteDir);
        }
        String javaHome = o.javaHome() != null ? o.javaHome() : f.detectedJavaHome();
        String mvn = f.mvn() ? "mvn" : remoteDir + "/mvnw";
        String unitDir = o.system() ? Job.SYSTEM_UNIT_DIR : f.home() + "/.config/systemd/user";
        String cronUser = o.system() ? ssh.user() : "";
        String runAs = o.system() && !root ? ssh.user() : "";
        List<Job> jobs = plans.stream().map(sp -> new Job(sp, host.name(), remoteDir, unitDir, javaHome,
                Job.command(o.command(), o.settings() == null ? mvn : mvn + " -s " + remoteDir + "/" + SETTINGS, remoteDir + "/pom.xml",
                        sp.id(), sp.plan().goal(), remoteDir), cronUser, runAs, o)).toList();

        prefetch(remote, jobs, root);
        if (o.absent()) {
            absent(remote, jobs, f, remoteDir);
        } else {
            present(remote, jobs, f, remoteDir);
        }
    }

    /** Reads every file this run compares in one round trip (root-owned ones only when the login is root: no sudo in a batch). */
    private void prefetch(Remote remote, List<Job> jobs, boolean root) {
        List<String> paths = new ArrayList<>();
        if (o.opsPom() != null) {
            paths.add(jobs.get(0).opsPom());
        }
        if (o.settings() != null && !o.absent()) {
            paths.add(jobs.get(0).remoteDir() + "/" + SETTINGS);
            paths.add(jobs.get(0).remoteDir() + "/" + SETTINGS_MARKER);
        }
        boolean systemd = o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD;
        for (Job j : jobs) {
            paths.add(j.wrapper());
            if (root || !o.system()) {
                if (systemd) {
                    paths.add(j.service());
                    paths.add(j.timer());
                } else if (o.system()) {
                    paths.add(j.cronDFile());
                }
            }
        }
        remote.prefetch(paths, !systemd && !o.system());
    }

    /** The job can run: java (and mvn or the ops repository's mvnw) on the rendered PATH, flock, the scheduler's tools. */
    private void requirements(HostFacts f, String remoteDir) {
        List<String> missing = new ArrayList<>();
        if (o.javaHome() == null && f.java().isBlank()) {
            missing.add("java (a JDK 17+) is not on the job's PATH " + o.path());
        }
        if (o.command() == null && !f.mvn() && !f.mvnw()) {
            missing.add("neither mvn is on the job's PATH " + o.path() + " nor is " + remoteDir + "/mvnw executable");
        }
        if (!f.flock()) {
            missing.add("flock (util-linux) is not on the job's PATH " + o.path());
        }
        if (o.scheduler() == ProvisionOptions.Scheduler.CRON && !o.system() && !f.crontab()) {
            missing.add("crontab is not installed (Debian package cron)");
        }
        if (!missing.isEmpty()) {
            throw new OwuiException("host " + host.name() + " cannot run the job: " + String.join("; ", missing),
                    "install what is missing there, or point owui.path (and owui.javaHome) at where it is");
        }
    }

    private void present(Remote remote, List<Job> jobs, HostFacts f, String remoteDir) {
        if (o.javaHome() != null) {
            ExecResult r = remote.run("[ -x " + Remote.quote(o.javaHome() + "/bin/java") + " ]");
            if (!r.ok()) {
                throw new OwuiException("host " + host.name() + ": owui.javaHome " + o.javaHome() + " has no bin/java", "give the JDK's directory on the host");
            }
        }
        boolean systemd = o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD;
        if (systemd && f.systemdAnalyze()) {
            for (Job j : jobs) { // the host's own systemd is the last word on its calendar syntax
                ExecResult r = remote.run("systemd-analyze calendar " + Remote.quote(j.sp().schedule().onCalendar()) + " >/dev/null");
                if (!r.ok()) {
                    throw new OwuiException("host " + host.name() + ": its systemd rejects OnCalendar=" + j.sp().schedule().onCalendar() + " (plan '" + j.sp().id()
                            + "'): " + r.firstErrorLine(), "use a simpler schedule, or owui.scheduler=cron on that host");
                }
            }
        }
        if (o.opsPom() != null) {
            file(remote, remoteDir + "/pom.xml", o.opsPom(), "0644", false);
        }
        if (o.settings() != null) {
            secretFile(remote, remoteDir + "/" + SETTINGS, o.settings());
        }
        for (Job j : jobs) {
            file(remote, j.wrapper(), templates.render(Templates.WRAPPER, j.model()), "0755", false);
        }
        if (!systemd) {
            if (o.system()) {
                for (Job j : jobs) {
                    file(remote, j.cronDFile(), templates.render(Templates.CRONTAB, j.model()), "0644", true);
                }
            } else {
                crontab(remote, jobs, remoteDir, false);
            }
            return;
        }
        boolean unitsChanged = false;
        List<String> unitFiles = new ArrayList<>();
        for (Job j : jobs) {
            unitsChanged |= file(remote, j.service(), templates.render(Templates.SERVICE, j.model()), "0644", o.system());
            unitsChanged |= file(remote, j.timer(), templates.render(Templates.TIMER, j.model()), "0644", o.system());
            unitFiles.add(j.timer());
            unitFiles.add(j.service());
        }
        if (f.systemdAnalyze() && !o.check()) {
            ExecResult r = remote.run("systemd-analyze verify " // by path, not --user: that needs the user's manager running
                    + String.join(" ", unitFiles.stream().map(Remote::quote).toList()));
            if (!r.ok()) {
                throw new OwuiException("host " + host.name() + ": systemd-analyze verify rejects the installed units: " + r.firstErrorLine(),
                        "fix the template (owui.templatesDir) or the values it was given");
            }
        }
        String ctl = systemctl();
        List<String> timers = jobs.stream().map(j -> j.sp().unitName() + ".timer").toList();
        if (!f.systemdRunning()) {
            throw new OwuiException("host " + host.name() + ": systemd is not running there (no /run/systemd/system), so the units in "
                    + jobs.get(0).unitDir() + " were " + (o.check() ? "not placed" : "placed") + " but `" + ctl + " daemon-reload` and `" + ctl
                    + " enable --now " + String.join(" ", timers) + "` cannot run",
                    "run those once the host boots with systemd, or use owui.scheduler=cron there");
        }
        if (unitsChanged) {
            task("systemd daemon-reload", true, null);
            if (!o.check()) {
                remote.must("reloading systemd", asSystemd(remote, ctl + " daemon-reload"));
            }
        }
        for (String t : timers) {
            ExecResult state = remote.run(asSystemd(remote, ctl + " is-enabled --quiet " + t + " && " + ctl + " is-active --quiet " + t));
            task("timer " + t + " enabled and started", !state.ok(), null);
            if (!state.ok() && !o.check()) {
                remote.must("enabling " + t, asSystemd(remote, ctl + " enable --now " + t));
            }
        }
    }

    private void absent(Remote remote, List<Job> jobs, HostFacts f, String remoteDir) {
        boolean systemd = o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD;
        if (systemd) {
            String ctl = systemctl();
            boolean removed = false;
            for (Job j : jobs) {
                String t = j.sp().unitName() + ".timer";
                if (f.systemdRunning()) {
                    ExecResult state = remote.run(asSystemd(remote, ctl + " is-enabled --quiet " + t + " || " + ctl + " is-active --quiet " + t));
                    if (state.ok()) {
                        task("timer " + t + " stopped and disabled", true, null);
                        if (!o.check()) {
                            remote.must("disabling " + t, asSystemd(remote, ctl + " disable --now " + t));
                        }
                    }
                }
                removed |= gone(remote, j.timer(), o.system());
                removed |= gone(remote, j.service(), o.system());
            }
            if (removed && f.systemdRunning()) {
                task("systemd daemon-reload", true, null);
                if (!o.check()) {
                    remote.must("reloading systemd", asSystemd(remote, ctl + " daemon-reload"));
                }
            }
        } else if (o.system()) {
            for (Job j : jobs) {
                gone(remote, j.cronDFile(), true);
            }
        } else {
            crontab(remote, jobs, remoteDir, true);
        }
        for (Job j : jobs) {
            gone(remote, j.wrapper(), false);
            if (!o.check()) {
                remote.run("rm -f " + Remote.quote(j.lockFile()));
            }
        }
        shared(remote, jobs, remoteDir);
        if (!o.check()) {
            remote.removeDirIfEmpty(remoteDir + "/bin", false);
            remote.removeDirIfEmpty(remoteDir, false); // kept while logs or crontab.bak live there
        }
    }

    /**
     * The files all plans on the host share: the ops pom and the settings.xml install-cron pushed.
     * They go with the last wrapper: once no job of ours is left in bin/, nothing runs them (this
     * holds with or without owui.plan, and for a plan already deleted from the pom). The
     * settings.xml goes only when its marker says install-cron put it there, whether or not
     * owui.settingsFile is given now; its content is never shown. Logs and crontab.bak stay: they
     * are the operator's record (and the crontab.bak the way back), so they are named, not removed.
     */
    private void shared(Remote remote, List<Job> jobs, String remoteDir) {
        java.util.Set<String> there = remote.list(remoteDir);
        List<String> ours = jobs.stream().map(j -> j.wrapper().substring(remoteDir.length() + 1)).toList();
        List<String> others = there.stream().filter(n -> n.startsWith("bin/owui-") && n.endsWith(".sh") && !ours.contains(n)).sorted().toList();
        String pom = remoteDir + "/pom.xml";
        String settings = remoteDir + "/" + SETTINGS;
        boolean settingsThere = there.contains(SETTINGS) || there.contains(SETTINGS + ".bak");
        if (!others.isEmpty()) {
            List<String> kept = new ArrayList<>();
            if (there.contains("pom.xml") && o.opsPom() != null) {
                kept.add(pom);
            }
            if (settingsThere && there.contains(SETTINGS_MARKER)) {
                kept.add(settings);
            }
            if (!kept.isEmpty()) {
                lines.add("kept: " + String.join(", ", kept) + ": still used by " + others.stream().map(n -> remoteDir + "/" + n).toList()
                        + " (a plan not removed now; remove it with -Dowui.plan=<its id> -Dowui.state=absent)");
            }
        } else {
            if (o.opsPom() != null) {
                gone(remote, pom, false);
            }
            if (there.contains(SETTINGS_MARKER)) {
                task("remove " + settings, settingsThere, settingsThere && o.diff() ? "(settings.xml removed; its content is not shown)" : null);
                if (!o.check()) { // with its .bak (an older secret), a temp file a failed upload left, and the marker last
                    remote.must("removing " + settings, "rm -f " + Remote.quote(settings) + " " + Remote.quote(settings + ".bak") + " "
                            + Remote.quote(remoteDir + "/." + SETTINGS + ".owui-tmp") + " && rm -f " + Remote.quote(remoteDir + "/" + SETTINGS_MARKER));
                }
            } else if (settingsThere) {
                lines.add("kept: " + settings + ": install-cron did not put it there (no " + SETTINGS_MARKER
                        + " next to it); remove it by hand if no job needs it");
            }
        }
        List<String> records = new ArrayList<>();
        if (there.contains("log")) {
            records.add(remoteDir + "/log/ (the jobs' logs)");
        }
        if (there.contains("crontab.bak")) {
            records.add(remoteDir + "/crontab.bak (the crontab before install-cron last changed it)");
        }
        if (!records.isEmpty()) {
            lines.add("kept: " + String.join(", ", records) + ": the operator's record, not removed; delete by hand when no longer needed");
        }
    }

    /** Brings one file to {@code content}; true when it differed (and, outside check mode, was written). */
    private boolean file(Remote remote, String path, String content, String mode, boolean privileged) {
        String current = remote.read(path, privileged);
        boolean differs = !content.equals(current);
        task(path, differs, differs && o.diff() ? Diffs.unified(path, current, content) : null);
        if (differs && !o.check()) {
            remote.write(path, content, mode, privileged);
        }
        return differs;
    }

    /**
     * The settings.xml pushed on request: compared and written like any file, mode 0600, its
     * content never in a diff; with the marker that lets absent remove it (written first: a
     * settings.xml of ours is never left without one).
     */
    private boolean secretFile(Remote remote, String path, String content) {
        String current = remote.read(path, false);
        String marker = Remote.parent(path) + "/" + SETTINGS_MARKER;
        boolean marked = remote.read(marker, false) != null;
        boolean differs = !content.equals(current);
        task(path + " (mode 0600)", differs || !marked, differs && o.diff() ? "(settings.xml differs; its content is not shown)" : null);
        if (!o.check()) {
            if (!marked) {
                remote.write(marker, MARKER_TEXT, "0644", false);
            }
            if (differs) {
                remote.write(path, content, "0600", false);
            }
        }
        return differs;
    }

    /** Removes one of our files; true when it was there. */
    private boolean gone(Remote remote, String path, boolean privileged) {
        String current = remote.read(path, privileged);
        boolean there = current != null;
        task("remove " + path, there, there && o.diff() ? Diffs.unified(path, current, null) : null);
        if (there && !o.check()) {
            remote.remove(path, privileged);
        }
        return there;
    }

    /** The user's crontab with each plan's block put (or removed), every other line as it was; installed through crontab -. */
    private void crontab(Remote remote, List<Job> jobs, String remoteDir, boolean remove) {
        ExecResult listed = remote.crontab();
        String current;
        if (listed.ok()) {
            current = listed.stdout();
        } else if ((listed.stderr() + listed.stdout()).contains("no crontab for")) {
            current = "";
        } else {
            throw new OwuiException("host " + host.name() + ": crontab -l failed: " + listed.firstErrorLine(), "check cron there (Debian package cron)");
        }
        String wanted = current;
        for (Job j : jobs) {
            String before = wanted;
            wanted = remove ? CrontabBlocks.remove(wanted, j.sp().marker()) : CrontabBlocks.put(wanted, j.sp().marker(), templates.render(Templates.CRONTAB, j.model()));
            boolean differs = !before.equals(wanted);
            task((remove ? "remove " : "") + "crontab block '" + j.sp().marker() + "'", differs,
                    differs && o.diff() ? Diffs.unified("crontab of " + remote.user(), before, wanted) : null);
        }
        if (wanted.equals(current) || o.check()) {
            return;
        }
        String bak = remoteDir + "/crontab.bak";
        remote.mkdirs(remoteDir, false);
        String keep = current.isEmpty() ? "rm -f " + Remote.quote(bak) : "crontab -l > " + Remote.quote(bak);
        if (wanted.isEmpty()) {
            remote.must("removing the crontab", keep + " && crontab -r");
            return;
        }
        String tmp = remoteDir + "/.crontab.owui-tmp";
        remote.upload(tmp, wanted);
        // crontab - validates the whole table and refuses a bad one, leaving the old one installed.
        remote.must("installing the crontab", keep + " && crontab - < " + Remote.quote(tmp) + "; rc=$?; rm -f " + Remote.quote(tmp) + "; exit $rc");
    }

    private String systemctl() {
        return o.system() ? "systemctl" : "systemctl --user";
    }

    /** A systemctl command as root (sudo) for system units, or with the user manager's runtime dir for user units. */
    private String asSystemd(Remote remote, String command) {
        if (o.system()) {
            return remote.sudo() + command;
        }
        return "XDG_RUNTIME_DIR=\"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}\" " + command;
    }

    private void task(String name, boolean changedIt, String diff) {
        ok++;
        if (changedIt) {
            changed++;
        }
        lines.add((changedIt ? "changed: " : "ok: ") + name);
        tasks.add(new HostResult.Task(name, changedIt, diff == null || diff.isEmpty() ? null : diff));
        if (diff != null && !diff.isEmpty()) {
            diff.lines().forEach(lines::add);
        }
    }
}
