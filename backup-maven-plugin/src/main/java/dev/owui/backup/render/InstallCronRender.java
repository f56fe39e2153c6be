package dev.owui.backup.render;

import dev.owui.backup.app.InstallCronResult;
import dev.owui.backup.provision.Host;
import dev.owui.backup.provision.HostResult;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.provision.ProvisionResult;
import dev.owui.backup.provision.TaskDiff;
import dev.owui.backup.provision.TaskResult;
import dev.owui.backup.report.EngineLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * install-cron's results as Ansible shows them: each host's tasks ({@code [web1] changed: …} with
 * its diff), the recap, and the same data as the report's installCron section. The only place
 * provisioning results become text.
 */
public final class InstallCronRender implements dev.owui.backup.app.InstallCronProgress {
    private final EngineLog log;

    public InstallCronRender(EngineLog log) {
        this.log = log;
    }

    /** What is about to happen, before the first host. */
    @Override
    public void start(boolean absent, List<String> plans, ProvisionOptions o, List<Host> hosts) {
        log.info("install-cron: " + (absent ? "removing" : "installing") + " " + plans + " with " + o.scheduler().id()
                + (o.system() ? " (system-wide)" : "") + " on " + hosts.size() + " host(s)" + (o.check() ? ", check mode" : "") + ": "
                + String.join(", ", hosts.stream().map(h -> h.address().equals(h.name()) ? h.name() : h.name() + " (" + h.address() + ")").toList()));
    }

    /** One host's lines, each tagged with its name, then why it was unreachable or failed. */
    @Override
    public void host(HostResult r) {
        String tag = "[" + r.host() + "] ";
        lines(r).forEach(l -> log.info(tag + l));
        if (r.unreachable()) {
            log.warn(tag + "UNREACHABLE: " + r.error());
        } else if (r.failed()) {
            log.warn(tag + "FAILED: " + r.error());
        }
    }

    /** A host's tasks as lines: {@code ok: name}, {@code changed: name} and its diff, {@code skipped: …}, {@code kept: …}. */
    public static List<String> lines(HostResult r) {
        List<String> lines = new ArrayList<>();
        for (TaskResult t : r.tasks()) {
            switch (t.status()) {
                case SKIPPED -> lines.add("skipped: " + t.reason());
                case KEPT -> lines.add("kept: " + t.name() + ": " + t.reason());
                default -> {
                    lines.add((t.changed() ? "changed: " : "ok: ") + t.name());
                    String diff = diff(t);
                    if (diff != null) {
                        diff.lines().forEach(lines::add);
                    }
                }
            }
        }
        return lines;
    }

    /** The recap, one line per host, and how long it took. */
    public void recap(ProvisionResult p) {
        int width = p.hosts().stream().mapToInt(r -> r.host().length()).max().orElse(4);
        log.info("RECAP" + (p.check() ? " (check mode: nothing was changed; changed= counts what would change)" : ""));
        for (HostResult r : p.hosts()) {
            log.info(String.format("%-" + width + "s : ok=%d changed=%d unreachable=%d failed=%d", r.host(), r.ok(), r.changed(),
                    r.unreachable() ? 1 : 0, r.failed() ? 1 : 0));
        }
        log.info(String.format(Locale.ROOT, "%d host(s) in %.2f s (%d at once)", p.hosts().size(), p.elapsed().toNanos() / 1e9, p.atOnce()));
    }

    /** The report's installCron section (REPORT.md). */
    public static void json(InstallCronResult r, Map<String, Object> section) {
        section.put("state", r.absent() ? "absent" : "present");
        section.put("scheduler", r.scheduler().id());
        section.put("system", r.system());
        section.put("check", r.run().check());
        section.put("plans", r.plans());
        section.put("hosts", r.run().hosts().stream().map(InstallCronRender::json).toList());
    }

    private static Map<String, Object> json(HostResult r) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("host", r.host());
        h.put("result", r.unreachable() ? "unreachable" : r.failed() ? "failed" : r.changed() > 0 ? "changed" : "ok");
        h.put("ok", r.ok());
        h.put("changed", r.changed());
        h.put("error", r.error());
        h.put("tasks", r.tasks().stream().filter(TaskResult::ran).map(t -> {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("name", t.name());
            task.put("result", t.changed() ? "changed" : "ok");
            task.put("diff", diff(t));
            return task;
        }).toList());
        return h;
    }

    /** The diff as shown: unified, or for a secret only that it differs or goes; null when there is none to show. */
    private static String diff(TaskResult t) {
        TaskDiff d = t.diff();
        if (d == null) {
            return null;
        }
        String text = d.withheld() ? "(" + d.label() + (d.after() == null ? " removed" : " differs") + "; its content is not shown)" : d.unified();
        return text.isEmpty() ? null : text;
    }
}
