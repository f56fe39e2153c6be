package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.ExecResult;

/**
 * The crontab task kind: the login's crontab with each plan's block put (or removed), every other
 * line as it was; one task per block, then one {@code crontab -} for the whole table.
 */
final class CrontabTask {
    private CrontabTask() {
    }

    static void apply(HostContext h, Templates templates, Tasks tasks, boolean remove) {
        Remote remote = h.remote();
        ProvisionOptions o = h.o();
        ExecResult listed = remote.crontab();
        String current;
        if (listed.ok()) {
            current = listed.stdout();
        } else if ((listed.stderr() + listed.stdout()).contains("no crontab for")) {
            current = "";
        } else {
            throw new OwuiException("host " + h.host().name() + ": crontab -l failed: " + listed.firstErrorLine(), "check cron there (Debian package cron)");
        }
        String wanted = current;
        for (Job j : h.jobs()) {
            String before = wanted;
            wanted = remove ? CrontabBlocks.remove(wanted, j.sp().marker()) : CrontabBlocks.put(wanted, j.sp().marker(), templates.render(Templates.CRONTAB, j.model()));
            boolean differs = !before.equals(wanted);
            tasks.task((remove ? "remove " : "") + "crontab block '" + j.sp().marker() + "'", differs,
                    differs && o.diff() ? TaskDiff.of("crontab of " + remote.user(), before, wanted) : null);
        }
        if (wanted.equals(current) || o.check()) {
            return;
        }
        String remoteDir = h.remoteDir();
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
}
