package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SshSession;
import java.util.List;
import java.util.function.Function;

/**
 * install-cron on one host: connect, learn the host (one probe), check it can run the job, then
 * install or remove; every step is a task result (data, rendered once by the caller), and the
 * first failure ends the host. Nothing is logged here, so parallel hosts never interleave.
 */
final class HostRun {
    private final Host host;
    private final List<ScheduledPlan> plans;
    private final ProvisionOptions o;
    private final Templates templates;
    private final Function<Host, SshSession> connect;
    private final Tasks tasks = new Tasks();
    private HostFacts facts;

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
            return result(true, false, e.getMessage());
        }
        try (ssh) {
            try {
                work(ssh);
                return result(false, false, null);
            } catch (OwuiException e) {
                // Asked before the session is closed: a connection lost mid-way counts as unreachable, like Ansible's.
                boolean lost = !ssh.isConnected();
                return result(lost, !lost, e.getMessage());
            }
        }
    }

    private void work(SshSession ssh) {
        if (plans.isEmpty()) {
            tasks.skipped("no selected plan runs on this host");
            return;
        }
        HostContext h = HostContext.learn(host, ssh, plans, o);
        facts = h.facts();
        Requirements.mayWriteSystemLocations(h);
        if (!o.absent()) {
            Requirements.jobCanRun(h);
        }
        h.prefetch();
        if (o.absent()) {
            Removal.run(h, templates, tasks);
        } else {
            Installation.run(h, templates, tasks);
        }
    }

    private HostResult result(boolean unreachable, boolean failed, String error) {
        return new HostResult(host.name(), facts, tasks.list(), unreachable, failed, error);
    }
}
