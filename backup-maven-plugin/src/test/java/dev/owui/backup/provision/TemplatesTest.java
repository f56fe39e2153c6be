package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.schedule.SystemdAnalyze;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every packaged template against a golden file (src/test/resources/owui/golden), the renderer's
 * strictness, overrides by name, and systemd-analyze verify on the rendered units. Regenerate the
 * goldens after a deliberate template change with -Dowui.updateGoldens=true, then review the diff.
 */
class TemplatesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/owui/golden");

    @TempDir
    Path tmp;

    /** A backup plan on host web1 for user backup, as HostContext builds it. */
    static Job job(ProvisionOptions.Scheduler scheduler, boolean system, int delay, String remoteDir) {
        ProvisionOptions o = new ProvisionOptions(scheduler, system, false, false, false, 5, remoteDir, null, null, null, delay, null);
        ScheduledPlan sp = ScheduledPlan.of(new Plan("daily", List.of("offsite"), null, null, "30 2 * * mon-fri", null));
        String unitDir = system ? Job.SYSTEM_UNIT_DIR : "/home/backup/.config/systemd/user";
        return new Job(sp, "web1", remoteDir, unitDir, "/usr/lib/jvm/java-17-openjdk-amd64",
                Job.command(null, "mvn", remoteDir + "/pom.xml", "daily", "backup", remoteDir), system ? "backup" : "", system ? "backup" : "", o);
    }

    @ParameterizedTest
    @CsvSource({
            "crontab-entry.ftl,   CRON,    false, 0,    crontab-entry.user.txt",
            "crontab-entry.ftl,   CRON,    true,  0,    crontab-entry.cron-d.txt",
            "job.sh.ftl,          CRON,    false, 0,    job.sh.cron.txt",
            "job.sh.ftl,          SYSTEMD, false, 0,    job.sh.systemd.txt",
            "systemd-service.ftl, SYSTEMD, false, 0,    systemd-service.user.txt",
            "systemd-service.ftl, SYSTEMD, true,  0,    systemd-service.system.txt",
            "systemd-timer.ftl,   SYSTEMD, false, 0,    systemd-timer.txt",
            "systemd-timer.ftl,   SYSTEMD, true,  3600, systemd-timer.delay.txt",
    })
    void everyTemplateRendersItsGolden(String template, ProvisionOptions.Scheduler scheduler, boolean system, int delay, String golden) throws Exception {
        String out = new Templates(null).render(template, job(scheduler, system, delay, "/home/backup/owui-ops").model());
        Path file = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("owui.updateGoldens")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, out);
        }
        assertEquals(Files.readString(file), out, template + " against " + file);
    }

    @Test
    void numbersHaveNoLocaleGrouping() {
        String timer = new Templates(null).render(Templates.TIMER, job(ProvisionOptions.Scheduler.SYSTEMD, true, 3600, "/home/backup/owui-ops").model());
        assertTrue(timer.contains("RandomizedDelaySec=3600\n") && timer.contains("Persistent=true\n"), timer);
    }

    @Test
    void theRenderedUnitsPassSystemdAnalyzeVerify() throws Exception {
        SystemdAnalyze sa = SystemdAnalyze.find();
        assumeTrue(sa != null, "needs systemd-analyze (Debian package systemd)");
        for (boolean system : new boolean[] {false, true}) {
            Path dir = Files.createDirectories(tmp.resolve(system ? "system" : "user"));
            Job j = job(ProvisionOptions.Scheduler.SYSTEMD, system, 900, dir.toString());
            Templates t = new Templates(null);
            Files.createDirectories(dir.resolve("bin"));
            Files.writeString(Path.of(j.wrapper()), t.render(Templates.WRAPPER, j.model()));
            assertTrue(Path.of(j.wrapper()).toFile().setExecutable(true));
            Map<String, Object> m = new HashMap<>(j.model());
            m.put("runAs", "root"); // a user that exists on every machine
            Path service = Files.writeString(dir.resolve("owui-daily.service"), t.render(Templates.SERVICE, m));
            Path timer = Files.writeString(dir.resolve("owui-daily.timer"), t.render(Templates.TIMER, m));
            sa.verify("plan 'daily'", List.of(timer, service)); // throws with systemd's complaint
        }
        Path broken = Files.writeString(tmp.resolve("owui-bad.timer"), "[Timer]\nOnCalendar=not a time\n");
        assertThrows(OwuiException.class, () -> sa.verify("plan 'bad'", List.of(broken)), "verify does reject a bad unit");
    }

    @Test
    void aMissingValueIsAnErrorNamingTemplateAndLine() throws Exception {
        Map<String, Object> m = new HashMap<>(job(ProvisionOptions.Scheduler.CRON, false, 0, "/home/backup/owui-ops").model());
        m.remove("wrapper");
        OwuiException e = assertThrows(OwuiException.class, () -> new Templates(null).render(Templates.CRONTAB, m));
        assertTrue(e.getMessage().contains("crontab-entry.ftl") && e.getMessage().contains("line 7") && e.getMessage().contains("wrapper"), e.getMessage());
    }

    @Test
    void aUserTemplateReplacesThePackagedOneByNameOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(dir.resolve("crontab-entry.ftl"), "# BEGIN ${marker}\n${cron} nice ${wrapper}\n# END ${marker}\n");
        Templates t = new Templates(dir);
        Map<String, Object> m = job(ProvisionOptions.Scheduler.CRON, false, 0, "/home/backup/owui-ops").model();
        assertEquals("# BEGIN owui backup daily\n30 2 * * mon-fri nice /home/backup/owui-ops/bin/owui-daily.sh\n# END owui backup daily\n",
                t.render(Templates.CRONTAB, m));
        assertEquals(new Templates(null).render(Templates.WRAPPER, m), t.render(Templates.WRAPPER, m), "the others stay packaged");
    }

    @Test
    void userTemplatesCannotInstantiateClassesOrReachJavaApis() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("evil"));
        Files.writeString(dir.resolve("crontab-entry.ftl"), "<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}\n");
        Files.writeString(dir.resolve("job.sh.ftl"), "${plan?api.getClass()}\n");
        Templates t = new Templates(dir);
        Map<String, Object> m = job(ProvisionOptions.Scheduler.CRON, false, 0, "/home/backup/owui-ops").model();
        OwuiException newBlocked = assertThrows(OwuiException.class, () -> t.render(Templates.CRONTAB, m));
        assertTrue(newBlocked.getMessage().contains("crontab-entry.ftl") && newBlocked.getMessage().contains(dir.toString()), newBlocked.getMessage());
        assertThrows(OwuiException.class, () -> t.render(Templates.WRAPPER, m));
    }

    @Test
    void anUnknownTemplateNameAndAMissingDirectoryFailClearly() {
        OwuiException e = assertThrows(OwuiException.class, () -> new Templates(null).render("nope.ftl", Map.of()));
        assertTrue(e.getMessage().contains("no template nope.ftl"), e.getMessage());
        OwuiException d = assertThrows(OwuiException.class, () -> new Templates(tmp.resolve("absent")));
        assertTrue(d.getMessage().contains("owui.templatesDir"), d.getMessage());
    }
}
