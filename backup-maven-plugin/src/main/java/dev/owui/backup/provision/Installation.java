package dev.owui.backup.provision;

import java.util.ArrayList;
import java.util.List;

/**
 * state=present on one host: the ops pom, the settings.xml if asked, a wrapper per plan, then the
 * scheduler's part (crontab blocks, /etc/cron.d files, or systemd units and timers).
 */
final class Installation {
    private Installation() {
    }

    static void run(HostContext h, Templates templates, Tasks tasks) {
        ProvisionOptions o = h.o();
        Requirements.hostAccepts(h);
        FileTasks files = new FileTasks(h.remote(), o, tasks);
        if (o.opsPom() != null) {
            files.file(h.remoteDir() + "/pom.xml", o.opsPom(), "0644", false);
        }
        if (o.settings() != null) {
            SettingsFile.put(h.remote(), o, tasks, h.remoteDir(), o.settings());
        }
        for (Job j : h.jobs()) {
            files.file(j.wrapper(), templates.render(Templates.WRAPPER, j.model()), "0755", false);
        }
        if (!h.systemd()) {
            if (o.system()) {
                for (Job j : h.jobs()) {
                    files.file(j.cronDFile(), templates.render(Templates.CRONTAB, j.model()), "0644", true);
                }
            } else {
                CrontabTask.apply(h, templates, tasks, false);
            }
            return;
        }
        boolean unitsChanged = false;
        List<String> unitFiles = new ArrayList<>();
        for (Job j : h.jobs()) {
            unitsChanged |= files.file(j.service(), templates.render(Templates.SERVICE, j.model()), "0644", o.system());
            unitsChanged |= files.file(j.timer(), templates.render(Templates.TIMER, j.model()), "0644", o.system());
            unitFiles.add(j.timer());
            unitFiles.add(j.service());
        }
        new SystemdTasks(h, tasks).present(unitFiles, unitsChanged);
    }
}
