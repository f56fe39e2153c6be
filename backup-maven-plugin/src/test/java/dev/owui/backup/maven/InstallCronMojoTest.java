package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.provision.HostUsers;
import dev.owui.backup.ssh.Sshd;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** owui:install-cron as Maven configures it: the pom's hosts, plans and options, settings.xml credentials, the failing hosts named. */
@MojoTest
class InstallCronMojoTest {
    private static final String POM = "src/test/projects/install-cron/pom.xml";
    private static final List<String> USERS = List.of("owuim1", "owuim2");
    static Path dir;
    static Sshd sshd;

    @BeforeAll
    static void start() {
        HostUsers.assumeAvailable();
        dir = HostUsers.sshdDir();
        sshd = Sshd.start(dir.resolve("sshd"));
        HostUsers.create(USERS);
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
            USERS.forEach(HostUsers::delete);
            Sshd.run("rm", "-rf", dir.toString());
        }
    }

    /** The pom's hosts pointed at the test's sshd, its key in a settings.xml server, known_hosts trusting it. */
    private void wire(InstallCronMojo mojo) throws Exception {
        List<HostConfig> hosts = getVariableValueFromObject(mojo, "hosts");
        hosts.forEach(h -> h.port = sshd.port());
        Server server = new Server();
        server.setId("hosts-ssh");
        server.setPrivateKey(sshd.userKey().toString());
        Settings settings = new Settings();
        settings.addServer(server);
        setVariableValueToObject(mojo, "settings", settings);
        setVariableValueToObject(mojo, "knownHosts", sshd.knownHosts().toFile());
        setVariableValueToObject(mojo, "sshConfig", sshd.dir().resolve("empty_ssh_config").toFile());
        setVariableValueToObject(mojo, "opsPom", new File(POM).getAbsoluteFile());
        HostUsers.setCrontab("owuim1", null);
        HostUsers.setCrontab("owuim2", null);
    }

    @Test
    @InjectMojo(goal = "install-cron", pom = POM)
    void thePomsHostsAndOptionsBindAndASecondRunChangesNothing(InstallCronMojo mojo) throws Exception {
        List<HostConfig> hosts = getVariableValueFromObject(mojo, "hosts");
        assertEquals(2, hosts.size());
        assertEquals("web1", hosts.get(0).name);
        assertEquals(2222, hosts.get(0).port);
        assertEquals("owuim1", hosts.get(0).user);
        assertEquals("hosts-ssh", hosts.get(0).serverId);
        assertEquals(List.of("web"), hosts.get(0).groups);
        assertTrue(hosts.get(1).sudo);
        assertEquals(List.of("daily"), hosts.get(1).plans);
        assertEquals("cron", getVariableValueFromObject(mojo, "scheduler"));
        assertEquals(Integer.valueOf(3), getVariableValueFromObject(mojo, "forks"));
        assertEquals("~/ops", getVariableValueFromObject(mojo, "remoteDir"));
        assertEquals("15min", getVariableValueFromObject(mojo, "randomizedDelay"));
        assertEquals(900, dev.owui.backup.config.InstallCronConfig.seconds("15min"));
        assertEquals("present", getVariableValueFromObject(mojo, "state"));
        assertEquals(Boolean.FALSE, getVariableValueFromObject(mojo, "check"));

        wire(mojo);
        mojo.execute();
        for (String u : USERS) {
            String crontab = HostUsers.crontab(u);
            assertTrue(crontab.contains("\n30 2 * * * /home/" + u + "/ops/bin/owui-daily.sh\n"), crontab);
            assertFalse(crontab.contains("manual"), "a plan without a schedule is not installed");
            assertEquals(Files.readString(Path.of(POM)), Files.readString(HostUsers.home(u).resolve("ops/pom.xml")));
        }
        String before = HostUsers.crontab("owuim1");
        setVariableValueToObject(mojo, "check", true);
        mojo.execute();
        assertEquals(before, HostUsers.crontab("owuim1"));

        setVariableValueToObject(mojo, "check", false);
        setVariableValueToObject(mojo, "state", "absent");
        setVariableValueToObject(mojo, "limit", "web");
        CommandLineMojoTest.Lines log = new CommandLineMojoTest.Lines();
        mojo.setLog(log);
        mojo.execute();
        assertEquals(null, HostUsers.crontab("owuim1"), "removed on web1");
        assertTrue(log.lines.get(0).startsWith("install-cron: removing [daily] with cron on 1 host(s): web1"), "names the hosts first: " + log.lines);
        assertTrue(HostUsers.crontab("owuim2").contains("owui-daily.sh"), "db1 was not in the limit");

        // The plan is then deleted from the pom: absent still removes what was installed under its name.
        setVariableValueToObject(mojo, "plans", List.of());
        setVariableValueToObject(mojo, "plan", "daily");
        setVariableValueToObject(mojo, "limit", "db1");
        mojo.execute();
        assertEquals(null, HostUsers.crontab("owuim2"), "the retired plan's block is gone from db1 too");
        assertFalse(Files.exists(HostUsers.home("owuim2").resolve("ops/bin/owui-daily.sh")));
    }

    @Test
    @InjectMojo(goal = "install-cron", pom = POM)
    void aFailingHostFailsTheBuildNamingItAfterTheOthersAreDone(InstallCronMojo mojo) throws Exception {
        wire(mojo);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<HostConfig> hosts = getVariableValueFromObject(mojo, "hosts");
        hosts.get(1).port = closed;
        Path report = sshd.dir().resolve("install-cron-report.json");
        setVariableValueToObject(mojo, "report", report.toString());
        setVariableValueToObject(mojo, "diff", true);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("1 of 2 host(s): db1 (unreachable)"), e.getMessage());
        assertTrue(HostUsers.crontab("owuim1").contains("owui-daily.sh"), "web1 was installed all the same");

        // The JSON report: per host and task, as data, with the diffs; the failure with its advice.
        com.fasterxml.jackson.databind.JsonNode doc = dev.owui.backup.report.ReportSchema.validate(report);
        assertEquals("failure", doc.get("result").asText());
        assertTrue(doc.get("error").get("message").asText().contains("db1 (unreachable)"), doc.toString());
        com.fasterxml.jackson.databind.JsonNode web1 = doc.get("installCron").get("hosts").get(0);
        assertEquals("web1", web1.get("host").asText());
        assertEquals("changed", web1.get("result").asText());
        assertTrue(web1.get("changed").asInt() > 0);
        com.fasterxml.jackson.databind.JsonNode crontab = null;
        for (com.fasterxml.jackson.databind.JsonNode task : web1.get("tasks")) {
            if (task.get("name").asText().startsWith("crontab block")) {
                crontab = task;
            }
        }
        assertTrue(crontab != null && crontab.get("result").asText().equals("changed") && crontab.get("diff").asText().contains("+30 2 * * *"),
                web1.toString());
        com.fasterxml.jackson.databind.JsonNode db1 = doc.get("installCron").get("hosts").get(1);
        assertEquals("unreachable", db1.get("result").asText());
        assertTrue(db1.has("error"), db1.toString());
    }

    @Test
    @InjectMojo(goal = "install-cron", pom = POM)
    void anUnknownGroupABadScheduleAndAnInventoryFile(InstallCronMojo mojo) throws Exception {
        wire(mojo);
        setVariableValueToObject(mojo, "limit", "dbs");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("'dbs'") && e.getMessage().contains("groups: web, db"), e.getMessage());

        setVariableValueToObject(mojo, "limit", null);
        setVariableValueToObject(mojo, "plan", "manual");
        MojoFailureException noSchedule = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(noSchedule.getMessage().contains("plan 'manual' has no <schedule>"), noSchedule.getMessage());

        List<PlanConfig> plans = getVariableValueFromObject(mojo, "plans");
        plans.get(0).schedule = "0 3 1 * mon";
        setVariableValueToObject(mojo, "plan", null);
        MojoFailureException bad = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(bad.getMessage().contains("plan 'daily'") && bad.getMessage().contains("day of week"), bad.getMessage());

        plans.get(0).schedule = "@daily";
        Path ini = Files.writeString(sshd.dir().resolve("hosts.ini"), "[db]\ndb1 ansible_host=127.0.0.1 ansible_port=" + sshd.port()
                + " ansible_user=owuim2 owui_server_id=hosts-ssh\n");
        setVariableValueToObject(mojo, "inventory", ini.toFile());
        mojo.execute();
        assertTrue(HostUsers.crontab("owuim2").contains("\n0 0 * * * /home/owuim2/ops/bin/owui-daily.sh\n"), HostUsers.crontab("owuim2"));
        assertEquals(null, HostUsers.crontab("owuim1"), "the inventory file replaces the pom's hosts");
    }
}
