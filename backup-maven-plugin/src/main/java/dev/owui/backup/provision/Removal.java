package dev.owui.backup.provision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * state=absent on one host: exactly what install-cron installed goes (timers, units, cron files or
 * crontab blocks, wrappers, and with the last plan the files all plans share); what is not ours,
 * or is the operator's record, stays and is named.
 */
final class Removal {
    private Removal() {
    }

    static void run(HostContext h, Templates templates, Tasks tasks) {
        ProvisionOptions o = h.o();
        Remote remote = h.remote();
        FileTasks files = new FileTasks(remote, o, tasks);
        if (h.systemd()) {
            SystemdTasks systemd = new SystemdTasks(h, tasks);
            boolean removed = false;
            for (Job j : h.jobs()) {
                systemd.stop(j);
                removed |= files.gone(j.timer(), o.system());
                removed |= files.gone(j.service(), o.system());
            }
            if (removed) {
                systemd.removed();
            }
        } else if (o.system()) {
            for (Job j : h.jobs()) {
                files.gone(j.cronDFile(), true);
            }
        } else {
            CrontabTask.apply(h, templates, tasks, true);
        }
        for (Job j : h.jobs()) {
            files.gone(j.wrapper(), false);
            if (!o.check()) {
                remote.run("rm -f " + Remote.quote(j.lockFile()));
            }
        }
        shared(h, files, tasks);
        if (!o.check()) {
            remote.removeDirIfEmpty(h.remoteDir() + "/bin", false);
            remote.removeDirIfEmpty(h.remoteDir(), false); // kept while logs or crontab.bak live there
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
    private static void shared(HostContext h, FileTasks files, Tasks tasks) {
        ProvisionOptions o = h.o();
        String remoteDir = h.remoteDir();
        Set<String> there = h.remote().list(remoteDir);
        List<String> ours = h.jobs().stream().map(j -> j.wrapper().substring(remoteDir.length() + 1)).toList();
        List<String> others = there.stream().filter(n -> n.startsWith("bin/owui-") && n.endsWith(".sh") && !ours.contains(n)).sorted().toList();
        String pom = remoteDir + "/pom.xml";
        String settings = remoteDir + "/" + SettingsFile.NAME;
        boolean settingsThere = there.contains(SettingsFile.NAME) || there.contains(SettingsFile.NAME + ".bak");
        if (!others.isEmpty()) {
            List<String> kept = new ArrayList<>();
            if (there.contains("pom.xml") && o.opsPom() != null) {
                kept.add(pom);
            }
            if (settingsThere && there.contains(SettingsFile.MARKER)) {
                kept.add(settings);
            }
            if (!kept.isEmpty()) {
                tasks.kept(kept, "still used by " + others.stream().map(n -> remoteDir + "/" + n).toList()
                        + " (a plan not removed now; remove it with -Dowui.plan=<its id> -Dowui.state=absent)");
            }
        } else {
            if (o.opsPom() != null) {
                files.gone(pom, false);
            }
            if (there.contains(SettingsFile.MARKER)) {
                SettingsFile.remove(h.remote(), o, tasks, remoteDir, settingsThere);
            } else if (settingsThere) {
                tasks.kept(List.of(settings), "install-cron did not put it there (no " + SettingsFile.MARKER
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
            tasks.kept(records, "the operator's record, not removed; delete by hand when no longer needed");
        }
    }
}
