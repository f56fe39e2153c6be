package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.config.InstallCronConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.provision.Host;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.provision.ProvisionResult;
import dev.owui.backup.provision.Provisioner;
import dev.owui.backup.provision.ScheduledPlan;
import dev.owui.backup.provision.Templates;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshConnector;
import dev.owui.backup.ssh.SshSession;
import java.util.List;

/**
 * install-cron: which plans (this goal resolves them itself: a plan to remove may be gone from the
 * pom already), then every selected host over SSH. Each host is handed to the caller's
 * {@link InstallCronProgress} as it finishes; the recap and the report render from the result.
 */
final class InstallCronGoal {
    private InstallCronGoal() {
    }

    static InstallCronResult run(RunContext c, InstallCronConfig config, InstallCronProgress progress) {
        EngineLog log = c.log();
        List<ScheduledPlan> plans = plans(c.plans(), config.plan(), config.absent(), log).stream().map(ScheduledPlan::of).toList();
        List<String> ids = plans.stream().map(ScheduledPlan::id).toList();
        ProvisionOptions o = config.options();
        progress.start(config.absent(), ids, o, config.hosts());
        Provisioner p = new Provisioner(o, new Templates(config.templatesDir()), h -> connect(c, h));
        ProvisionResult run = p.run(config.hosts(), plans, progress::host);
        return new InstallCronResult(config.absent(), o.scheduler(), o.system(), ids, run);
    }

    /** The plan named by owui.plan, or every plan with a schedule. */
    private static List<Plan> plans(PlanBook book, String id, boolean absent, EngineLog log) {
        if (id == null) {
            return book.plans().stream().filter(p -> p.schedule() != null).toList();
        }
        Plan chosen = chosenPlan(book, id, absent, log);
        if (chosen.schedule() == null) {
            throw new OwuiException("plan '" + id + "' has no <schedule>", "give it one (e.g. <schedule>30 2 * * *</schedule>)");
        }
        return List.of(chosen);
    }

    /**
     * Removing works for a plan already deleted from the pom too: what install-cron put on the
     * hosts is found by the plan's name alone (its block, wrapper, units).
     */
    private static Plan chosenPlan(PlanBook book, String id, boolean absent, EngineLog log) {
        if (absent && book.plans().stream().noneMatch(p -> p.id().equals(id))) {
            log.info("plan '" + id + "' is not in the pom: removing what install-cron installed under that name");
            return new Plan(id, List.of("(removed)"), null, null, "@daily", null);
        }
        return book.plan(id);
    }

    /** An authenticated session to a host, with the SSH settings (and settings.xml server) of its serverId. */
    private static SshSession connect(RunContext c, Host h) {
        return SshConnector.open(new SftpUrl(h.user(), h.address(), h.port(), "/"), c.targets().ssh().apply(h.serverId()));
    }
}
