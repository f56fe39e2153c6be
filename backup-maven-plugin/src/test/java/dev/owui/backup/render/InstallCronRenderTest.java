package dev.owui.backup.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.app.InstallCronResult;
import dev.owui.backup.provision.HostResult;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.provision.ProvisionResult;
import dev.owui.backup.provision.TaskDiff;
import dev.owui.backup.provision.TaskResult;
import dev.owui.backup.provision.TaskResult.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** install-cron's results are data; the console lines and the report section are rendered from them here, once. */
class InstallCronRenderTest {
    static final HostResult WEB1 = new HostResult("web1", null, List.of(
            new TaskResult("/h/ops/pom.xml", Status.OK, null, null),
            new TaskResult("crontab block 'owui backup daily'", Status.CHANGED,
                    new TaskDiff("crontab of backup", "A=1\nAWS_SECRET_ACCESS_KEY=hush\n", "A=1\nAWS_SECRET_ACCESS_KEY=hush\n30 2 * * * x\n", false), null),
            new TaskResult("remove /h/ops/settings.xml", Status.CHANGED, new TaskDiff("settings.xml", "", null, true), null),
            new TaskResult("/h/ops/crontab.bak", Status.KEPT, null, "the operator's record")), false, false, null);
    static final HostResult DB = new HostResult("db", null, List.of(new TaskResult(null, Status.SKIPPED, null, "no selected plan runs on this host")),
            false, false, null);
    static final HostResult GONE = new HostResult("gone", null, List.of(), true, false, "cannot connect");
    static final ProvisionResult RUN = new ProvisionResult(List.of(WEB1, DB, GONE), true, 3, Duration.ofMillis(1500));

    @Test
    void eachHostsTasksTheirDiffsAndTheRecap() {
        RecordingLog log = new RecordingLog();
        InstallCronRender render = new InstallCronRender(log);
        RUN.hosts().forEach(render::host);
        render.recap(RUN);
        assertEquals(List.of(
                "[web1] ok: /h/ops/pom.xml",
                "[web1] changed: crontab block 'owui backup daily'",
                "[web1] --- crontab of backup (on the host)",
                "[web1] +++ crontab of backup (rendered)",
                "[web1] @@ -1,2 +1,3 @@",
                "[web1]  A=1",
                "[web1]  AWS_SECRET_ACCESS_KEY=***",
                "[web1] +30 2 * * * x",
                "[web1] changed: remove /h/ops/settings.xml",
                "[web1] (settings.xml removed; its content is not shown)",
                "[web1] kept: /h/ops/crontab.bak: the operator's record",
                "[db] skipped: no selected plan runs on this host",
                "RECAP (check mode: nothing was changed; changed= counts what would change)",
                "web1 : ok=3 changed=2 unreachable=0 failed=0",
                "db   : ok=0 changed=0 unreachable=0 failed=0",
                "gone : ok=0 changed=0 unreachable=1 failed=0",
                "3 host(s) in 1.50 s (3 at once)"), log.infos);
        assertEquals(List.of("[gone] UNREACHABLE: cannot connect"), log.warnings);
        assertFalse(log.saidAnywhere("hush"));
        assertFalse(WEB1.toString().contains("hush"), "a result printed by mistake shows no content either");
    }

    @Test
    void theReportSectionCarriesTheTasksThatRanWithTheirDiffs() {
        Map<String, Object> section = new LinkedHashMap<>();
        InstallCronRender.json(new InstallCronResult(true, ProvisionOptions.Scheduler.CRON, false, List.of("daily"), RUN), section);
        assertEquals(List.of("state", "scheduler", "system", "check", "plans", "hosts"), List.copyOf(section.keySet()));
        assertEquals("absent", section.get("state"));
        assertEquals("cron", section.get("scheduler"));
        assertEquals(true, section.get("check"));
        List<?> hosts = (List<?>) section.get("hosts");
        Map<?, ?> web1 = (Map<?, ?>) hosts.get(0);
        assertEquals(List.of("host", "result", "ok", "changed", "error", "tasks"), List.copyOf(web1.keySet()));
        assertEquals("changed", web1.get("result"));
        List<?> tasks = (List<?>) web1.get("tasks");
        assertEquals(3, tasks.size(), "the kept note is a console line, not a task");
        assertEquals(null, ((Map<?, ?>) tasks.get(0)).get("diff"));
        assertEquals("(settings.xml removed; its content is not shown)", ((Map<?, ?>) tasks.get(2)).get("diff"));
        assertEquals("ok", ((Map<?, ?>) hosts.get(1)).get("result"));
        assertEquals("unreachable", ((Map<?, ?>) hosts.get(2)).get("result"));
        assertEquals("cannot connect", ((Map<?, ?>) hosts.get(2)).get("error"));
    }
}
