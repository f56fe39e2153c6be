package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.ExecResult;
import java.util.List;

/**
 * The systemd task kind, once the unit files are placed or removed: verify them, reload the
 * manager when they changed, and bring each timer to enabled and started (or stopped and disabled).
 * System units go through root (sudo); user units through the login's own manager.
 */
final class SystemdTasks {
    private final HostContext h;
    private final Remote remote;
    private final ProvisionOptions o;
    private final Tasks tasks;

    SystemdTasks(HostContext h, Tasks tasks) {
        this.h = h;
        this.remote = h.remote();
        this.o = h.o();
        this.tasks = tasks;
    }

    /** After the unit files were brought to their content: verify, reload if they changed, enable and start each timer. */
    void present(List<String> unitFiles, boolean unitsChanged) {
        String host = h.host().name();
        if (h.facts().systemdAnalyze() && !o.check()) {
            ExecResult r = remote.run("systemd-analyze verify " // by path, not --user: that needs the user's manager running
                    + String.join(" ", unitFiles.stream().map(Remote::quote).toList()));
            if (!r.ok()) {
                throw new OwuiException("host " + host + ": systemd-analyze verify rejects the installed units: " + r.firstErrorLine(),
                        "fix the template (owui.templatesDir) or the values it was given");
            }
        }
        String ctl = systemctl();
        List<String> timers = h.jobs().stream().map(j -> j.sp().unitName() + ".timer").toList();
        if (!h.facts().systemdRunning()) {
            throw new OwuiException("host " + host + ": systemd is not running there (no /run/systemd/system), so the units in "
                    + h.jobs().get(0).unitDir() + " were " + (o.check() ? "not placed" : "placed") + " but `" + ctl + " daemon-reload` and `" + ctl
                    + " enable --now " + String.join(" ", timers) + "` cannot run",
                    "run those once the host boots with systemd, or use owui.scheduler=cron there");
        }
        if (unitsChanged) {
            reload();
        }
        for (String t : timers) {
            ExecResult state = remote.run(asSystemd(ctl + " is-enabled --quiet " + t + " && " + ctl + " is-active --quiet " + t));
            tasks.task("timer " + t + " enabled and started", !state.ok(), null);
            if (!state.ok() && !o.check()) {
                remote.must("enabling " + t, asSystemd(ctl + " enable --now " + t));
            }
        }
    }

    /** Before a job's unit files go: its timer stopped and disabled, when systemd runs and has it. */
    void stop(Job j) {
        if (!h.facts().systemdRunning()) {
            return;
        }
        String ctl = systemctl();
        String t = j.sp().unitName() + ".timer";
        ExecResult state = remote.run(asSystemd(ctl + " is-enabled --quiet " + t + " || " + ctl + " is-active --quiet " + t));
        if (state.ok()) {
            tasks.task("timer " + t + " stopped and disabled", true, null);
            if (!o.check()) {
                remote.must("disabling " + t, asSystemd(ctl + " disable --now " + t));
            }
        }
    }

    /** After unit files were removed: the manager forgets them (when it runs). */
    void removed() {
        if (h.facts().systemdRunning()) {
            reload();
        }
    }

    private void reload() {
        tasks.task("systemd daemon-reload", true, null);
        if (!o.check()) {
            remote.must("reloading systemd", asSystemd(systemctl() + " daemon-reload"));
        }
    }

    private String systemctl() {
        return o.system() ? "systemctl" : "systemctl --user";
    }

    /** A systemctl command as root (sudo) for system units, or with the user manager's runtime dir for user units. */
    private String asSystemd(String command) {
        if (o.system()) {
            return remote.sudo() + command;
        }
        return "XDG_RUNTIME_DIR=\"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}\" " + command;
    }
}
