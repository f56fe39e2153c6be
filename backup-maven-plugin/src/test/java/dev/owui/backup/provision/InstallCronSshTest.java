package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.render.InstallCronRender;
import dev.owui.backup.schedule.SystemdAnalyze;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshConnector;
import dev.owui.backup.ssh.Sshd;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * install-cron against a real OpenSSH sshd on loopback, with three Unix users standing in for
 * three hosts; {@code crontab -l -u} reads back what was installed, and each user's own crontab
 * lines must survive byte for byte.
 */
class InstallCronSshTest {
    static final List<String> USERS = List.of("owuih1", "owuih2", "owuih3");
    /** A user's own crontab: odd spacing, tabs, a variable, a comment; none of it ours. */
    static final String OWN = "MAILTO=\"\"\n# my own jobs\n*/5 * * * *   /usr/bin/true\t# poll\n\n17  4 * * 0 /usr/bin/env > /dev/null\n";
    static final String POM = "<project><!-- the ops pom --></project>\n";

    static Path dir;
    static Sshd sshd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startHosts() {
        HostUsers.assumeAvailable();
        dir = HostUsers.sshdDir();
        sshd = Sshd.start(dir.resolve("sshd"));
        HostUsers.create(USERS);
    }

    @AfterAll
    static void stopHosts() {
        if (sshd != null) {
            sshd.close();
            USERS.forEach(HostUsers::delete);
            Sshd.run("rm", "-rf", dir.toString());
        }
    }

    @BeforeEach
    void freshHosts() {
        for (String u : USERS) {
            HostUsers.setCrontab(u, OWN);
            Sshd.run("rm", "-rf", HostUsers.home(u).resolve("owui-ops").toString(), HostUsers.home(u).resolve(".config").toString());
        }
    }

    static List<Host> hosts() {
        return USERS.stream().map(u -> new Host(u, sshd.host(), sshd.port(), u, null, false, List.of("web"), null)).toList();
    }

    static List<ScheduledPlan> plans(String dailySchedule) {
        return List.of(ScheduledPlan.of(new Plan("daily", List.of("nas"), null, null, dailySchedule, null)),
                ScheduledPlan.of(new Plan("weekly", List.of("offsite"), null, null, "@weekly", "nas")));
    }

    static ProvisionOptions options(ProvisionOptions.Scheduler scheduler, boolean system, boolean absent, boolean check, boolean diff) {
        return new ProvisionOptions(scheduler, system, absent, check, diff, 5, null, null, null, null, 0, POM);
    }

    static ProvisionOptions cron() {
        return options(ProvisionOptions.Scheduler.CRON, false, false, false, false);
    }

    List<HostResult> run(ProvisionOptions o, List<Host> hosts, List<ScheduledPlan> plans, RecordingLog log) {
        InstallCronRender render = new InstallCronRender(log);
        ProvisionResult r = new Provisioner(o, new Templates(null), h -> SshConnector.open(new SftpUrl(h.user(), h.address(), h.port(), "/"), sshd.options()))
                .run(hosts, plans, render::host);
        render.recap(r);
        return r.hosts();
    }

    List<HostResult> run(ProvisionOptions o) {
        return run(o, hosts(), plans("30 2 * * *"), new RecordingLog());
    }

    static void allSucceeded(List<HostResult> results) {
        for (HostResult r : results) {
            assertFalse(r.failed() || r.unreachable(), r.host() + ": " + r.error() + "\n" + String.join("\n", InstallCronRender.lines(r)));
        }
    }

    @Test
    void theFirstRunInstallsEverywhereAndTheSecondChangesNothing() throws Exception {
        List<HostResult> first = run(cron());
        allSucceeded(first);
        for (HostResult r : first) {
            // pom, two wrappers, two crontab blocks
            assertEquals(5, r.ok(), String.join("\n", InstallCronRender.lines(r)));
            assertEquals(5, r.changed(), String.join("\n", InstallCronRender.lines(r)));
        }
        for (String u : USERS) {
            String crontab = HostUsers.crontab(u);
            assertTrue(crontab.startsWith(OWN), "the user's own lines come first, unchanged:\n" + crontab);
            String ours = crontab.substring(OWN.length());
            assertTrue(ours.startsWith("# BEGIN owui backup daily\n") && ours.contains("\n30 2 * * * /home/" + u + "/owui-ops/bin/owui-daily.sh\n")
                    && ours.contains("# END owui backup daily\n# BEGIN owui backup weekly\n")
                    && ours.contains("\n0 0 * * 0 /home/" + u + "/owui-ops/bin/owui-weekly.sh\n") && ours.endsWith("# END owui backup weekly\n"), crontab);
            Path wrapper = HostUsers.home(u).resolve("owui-ops/bin/owui-weekly.sh");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(wrapper)));
            assertEquals(u, Files.getOwner(wrapper).getName(), "written by the login, not by root");
            assertTrue(Files.readString(wrapper).contains("mvn -B -f /home/" + u + "/owui-ops/pom.xml owui:copy -Dowui.plan=weekly"),
                    "a copy plan runs owui:copy");
            assertEquals(POM, Files.readString(HostUsers.home(u).resolve("owui-ops/pom.xml")));
        }

        RecordingLog log = new RecordingLog();
        List<HostResult> second = run(cron(), hosts(), plans("30 2 * * *"), log);
        allSucceeded(second);
        for (HostResult r : second) {
            assertEquals(0, r.changed(), String.join("\n", InstallCronRender.lines(r)));
            assertEquals(5, r.ok());
        }
        assertTrue(log.infos.contains("owuih2 : ok=5 changed=0 unreachable=0 failed=0"), String.join("\n", log.infos));
        assertFalse(Files.exists(HostUsers.home("owuih1").resolve("owui-ops/pom.xml.bak")), "nothing was replaced");
    }

    @Test
    void aSettingsFileGoesOnlyWhenAskedPrivateNeverInADiffAndTheJobUsesIt() throws Exception {
        String secret = "<settings><servers><server><id>b2</id><username>key</username><password>s3cr3t-v4lue</password></server></servers></settings>\n";
        ProvisionOptions withSettings = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, false, false, false, true, 5, null, null, null, null, 0, POM, secret);
        RecordingLog log = new RecordingLog();
        allSucceeded(run(withSettings, hosts(), plans("30 2 * * *"), log));
        for (String u : USERS) {
            Path settings = HostUsers.home(u).resolve("owui-ops/settings.xml");
            assertEquals(secret, Files.readString(settings));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)));
            assertTrue(Files.readString(HostUsers.home(u).resolve("owui-ops/bin/owui-daily.sh"))
                    .contains("mvn -s /home/" + u + "/owui-ops/settings.xml -B -f /home/" + u + "/owui-ops/pom.xml owui:backup -Dowui.plan=daily"));
        }
        assertFalse(log.saidAnywhere("s3cr3t-v4lue"), "the diff never shows the settings' content");

        // Without the option, nothing secret goes: a fresh host gets no settings.xml.
        freshHosts();
        allSucceeded(run(cron()));
        assertFalse(Files.exists(HostUsers.home(USERS.get(0)).resolve("owui-ops/settings.xml")));
    }

    @Test
    void checkModeReportsWhatWouldChangeAndChangesNothing() {
        List<HostResult> fresh = run(options(ProvisionOptions.Scheduler.CRON, false, false, true, false));
        allSucceeded(fresh);
        fresh.forEach(r -> assertEquals(5, r.changed()));
        for (String u : USERS) {
            assertEquals(OWN, HostUsers.crontab(u));
            assertFalse(Files.exists(HostUsers.home(u).resolve("owui-ops")), "check mode creates nothing");
        }

        allSucceeded(run(cron()));
        String installed = HostUsers.crontab("owuih1");
        RecordingLog log = new RecordingLog();
        List<HostResult> diff = run(options(ProvisionOptions.Scheduler.CRON, false, false, true, true), hosts(), plans("45 3 * * 1-5"), log);
        allSucceeded(diff);
        diff.forEach(r -> assertEquals(2, r.changed(), "the daily block and its wrapper's comment: " + String.join("\n", InstallCronRender.lines(r))));
        assertTrue(log.infos.contains("[owuih1] -30 2 * * * /home/owuih1/owui-ops/bin/owui-daily.sh")
                && log.infos.contains("[owuih1] +45 3 * * 1-5 /home/owuih1/owui-ops/bin/owui-daily.sh"), String.join("\n", log.infos));
        assertTrue(log.saidAnywhere("RECAP (check mode"));
        assertEquals(installed, HostUsers.crontab("owuih1"), "check mode leaves the crontab alone");

        List<HostResult> applied = run(cron(), hosts(), plans("45 3 * * 1-5"), new RecordingLog());
        allSucceeded(applied);
        applied.forEach(r -> assertEquals(2, r.changed()));
        assertTrue(HostUsers.crontab("owuih1").contains("\n45 3 * * 1-5 /home/owuih1/owui-ops/bin/owui-daily.sh\n"));
        assertTrue(Files.exists(HostUsers.home("owuih1").resolve("owui-ops/bin/owui-daily.sh.bak")), "the replaced wrapper is kept");
        assertTrue(Files.exists(HostUsers.home("owuih1").resolve("owui-ops/crontab.bak")), "so is the replaced crontab");
    }

    @Test
    void absentRemovesExactlyWhatWasInstalled() {
        HostUsers.setCrontab("owuih3", null); // a user without a crontab of their own
        allSucceeded(run(cron()));
        allSucceeded(run(cron(), hosts(), plans("45 3 * * *"), new RecordingLog())); // leaves .bak files too
        List<HostResult> removed = run(options(ProvisionOptions.Scheduler.CRON, false, true, false, false));
        allSucceeded(removed);
        assertEquals(OWN, HostUsers.crontab("owuih1"), "the user's own crontab, byte for byte");
        assertEquals(OWN, HostUsers.crontab("owuih2"));
        assertNull(HostUsers.crontab("owuih3"), "no crontab before, none after");
        for (String u : USERS) {
            Path ops = HostUsers.home(u).resolve("owui-ops");
            assertFalse(Files.exists(ops.resolve("pom.xml")) || Files.exists(ops.resolve("bin")) || Files.exists(ops.resolve("pom.xml.bak")), u);
        }
        List<HostResult> again = run(options(ProvisionOptions.Scheduler.CRON, false, true, false, false));
        allSucceeded(again);
        again.forEach(r -> assertEquals(0, r.changed(), String.join("\n", InstallCronRender.lines(r))));
    }

    static final String SECRET_SETTINGS = "<settings><servers><server><id>b2</id><username>key</username>"
            + "<password>s3cr3t-v4lue</password></server><server><id>enc</id><password>pass-phr4se</password></server></servers></settings>\n";

    static ProvisionOptions cronWithSettings(boolean absent, String settings) {
        return new ProvisionOptions(ProvisionOptions.Scheduler.CRON, false, absent, false, true, 5, null, null, null, null, 0, POM, settings);
    }

    static void saidNoSecret(RecordingLog log) {
        assertFalse(log.saidAnywhere("s3cr3t-v4lue") || log.saidAnywhere("pass-phr4se"), "no secret in the output:\n" + String.join("\n", log.infos));
    }

    @Test
    void absentRemovesThePushedSettingsXmlWithoutOwuiSettingsFileNeverShowingItAndKeepsTheLogs() throws Exception {
        List<Host> h1 = hosts().subList(0, 1);
        Path ops = HostUsers.home("owuih1").resolve("owui-ops");
        RecordingLog log = new RecordingLog();
        allSucceeded(run(cronWithSettings(false, SECRET_SETTINGS), h1, plans("30 2 * * *"), log));
        allSucceeded(run(cronWithSettings(false, SECRET_SETTINGS.replace("s3cr3t", "n3w-s3cr3t")), h1, plans("30 2 * * *"), log)); // a settings.xml.bak
        assertTrue(Files.exists(ops.resolve("settings.xml.bak")));
        Files.createDirectories(ops.resolve("log"));
        Files.writeString(ops.resolve("log/daily.log"), "a run's output\n"); // what the job leaves when it ran

        RecordingLog removing = new RecordingLog();
        List<HostResult> removed = run(cronWithSettings(true, null), h1, plans("30 2 * * *"), removing); // no owui.settingsFile now
        allSucceeded(removed);
        String out = String.join("\n", removing.infos);
        assertTrue(removing.infos.contains("[owuih1] changed: remove " + ops.resolve("settings.xml")), out);
        assertTrue(removing.infos.contains("[owuih1] (settings.xml removed; its content is not shown)"), out);
        assertTrue(out.contains("kept: " + ops + "/log/ (the jobs' logs)") && out.contains(ops + "/crontab.bak"), out);
        saidNoSecret(log);
        saidNoSecret(removing);
        assertEquals(OWN, HostUsers.crontab("owuih1"), "the user's own crontab, byte for byte");
        try (Stream<Path> left = Files.list(ops)) {
            assertEquals(List.of("crontab.bak", "log"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the settings.xml, its .bak and marker, the pom and bin/ are gone; the operator's record stays");
        }
        assertEquals("a run's output\n", Files.readString(ops.resolve("log/daily.log")));

        HostResult again = run(cronWithSettings(true, null), h1, plans("30 2 * * *"), new RecordingLog()).get(0);
        assertEquals(0, again.changed(), String.join("\n", InstallCronRender.lines(again)));
    }

    @Test
    void theSharedFilesGoWithTheLastPlanEvenOneAlreadyDeletedFromThePom() throws Exception {
        HostUsers.setCrontab("owuih2", null);
        List<Host> h2 = hosts().subList(1, 2);
        Path ops = HostUsers.home("owuih2").resolve("owui-ops");
        allSucceeded(run(cronWithSettings(false, SECRET_SETTINGS), h2, plans("30 2 * * *"), new RecordingLog()));

        RecordingLog first = new RecordingLog();
        allSucceeded(run(cronWithSettings(true, null), h2, plans("30 2 * * *").subList(0, 1), first)); // -Dowui.plan=daily
        assertTrue(Files.exists(ops.resolve("settings.xml")) && Files.exists(ops.resolve("pom.xml")), "weekly still runs with them");
        assertTrue(first.saidAnywhere("kept: " + ops.resolve("pom.xml") + ", " + ops.resolve("settings.xml") + ": still used by ["
                + ops.resolve("bin/owui-weekly.sh") + "]"), String.join("\n", first.infos));

        // weekly is no longer in the pom: removed by its name alone (what InstallCronMojo passes then).
        List<ScheduledPlan> deleted = List.of(ScheduledPlan.of(new Plan("weekly", List.of("(removed)"), null, null, "@daily", null)));
        RecordingLog last = new RecordingLog();
        allSucceeded(run(cronWithSettings(true, null), h2, deleted, last));
        saidNoSecret(last);
        assertNull(HostUsers.crontab("owuih2"), "no crontab before, none after");
        try (Stream<Path> left = Files.list(ops)) {
            assertEquals(List.of("crontab.bak"), left.map(p -> p.getFileName().toString()).toList(),
                    "pom, settings.xml, marker, bin/ gone; the crontab as it was before the last change stays");
        }
    }

    @Test
    void aSettingsXmlInstallCronDidNotPutThereIsKept() throws Exception {
        List<Host> h3 = hosts().subList(2, 3);
        Path ops = HostUsers.home("owuih3").resolve("owui-ops");
        allSucceeded(run(cron(), h3, plans("30 2 * * *"), new RecordingLog()));
        Files.writeString(ops.resolve("settings.xml"), SECRET_SETTINGS); // the operator's own, for an owui.command of theirs
        RecordingLog log = new RecordingLog();
        allSucceeded(run(cronWithSettings(true, null), h3, plans("30 2 * * *"), log));
        assertEquals(SECRET_SETTINGS, Files.readString(ops.resolve("settings.xml")));
        assertTrue(log.saidAnywhere("kept: " + ops.resolve("settings.xml") + ": install-cron did not put it there"), String.join("\n", log.infos));
        saidNoSecret(log);
        assertFalse(Files.exists(ops.resolve("pom.xml")) || Files.exists(ops.resolve("bin")));
    }

    @Test
    void anUnreachableHostIsReportedAndTheOthersSucceed() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<Host> hosts = Stream.concat(hosts().stream(), Stream.of(new Host("gone", sshd.host(), closed, "owuih1", null, false, List.of(), null))).toList();
        RecordingLog log = new RecordingLog();
        List<HostResult> results = run(cron(), hosts, plans("30 2 * * *"), log);
        allSucceeded(results.subList(0, 3));
        HostResult gone = results.get(3);
        assertTrue(gone.unreachable() && !gone.failed() && gone.error().contains("cannot connect"), gone.toString());
        assertTrue(log.infos.contains("gone   : ok=0 changed=0 unreachable=1 failed=0"), String.join("\n", log.infos));
        assertTrue(log.saidAnywhere("[gone] UNREACHABLE: cannot connect to owuih1@127.0.0.1:" + closed));
        USERS.forEach(u -> assertTrue(HostUsers.crontab(u).contains("# BEGIN owui backup daily\n")));
    }

    @Test
    void aHostThatCannotRunTheJobFailsSayingWhyAndGetsNothing() {
        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, false, false, false, false, 5, null, null, null, "/nonexistent/bin", 0, POM);
        List<HostResult> results = run(o);
        for (HostResult r : results) {
            assertTrue(r.failed() && r.error().contains("cannot run the job") && r.error().contains("java (a JDK 17+) is not on the job's PATH /nonexistent/bin")
                    && r.error().contains("neither mvn"), r.error());
        }
        USERS.forEach(u -> assertEquals(OWN, HostUsers.crontab(u)));
        assertFalse(Files.exists(HostUsers.home("owuih1").resolve("owui-ops")));
    }

    @Test
    void aTemplateWithAMissingValueFailsBeforeAnyHostIsTouched() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("templates"));
        Files.writeString(mine.resolve("job.sh.ftl"), "#!/bin/sh\n${retries}\n");
        Provisioner p = new Provisioner(cron(), new Templates(mine), h -> {
            throw new AssertionError("no host may be contacted");
        });
        OwuiException e = assertThrows(OwuiException.class, () -> p.run(hosts(), plans("30 2 * * *"), r -> { }));
        assertTrue(e.getMessage().contains("job.sh.ftl") && e.getMessage().contains("retries"), e.getMessage());
    }

    @Test
    void theWrapperRunsTheCommandWithItsEnvironmentUnderTheLockAndLogs() throws Exception {
        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, false, false, false, false, 5, null,
                "echo ran {plan} {goal} with $JAVA_HOME", null, null, 0, POM);
        allSucceeded(run(o, hosts().subList(0, 1), plans("30 2 * * *"), new RecordingLog()));
        Path ops = HostUsers.home("owuih1").resolve("owui-ops");
        String wrapper = ops.resolve("bin/owui-daily.sh").toString();
        HostUsers.Result r = HostUsers.run("su", "-", "owuih1", "-c", wrapper);
        assertEquals(0, r.exit(), r.out());
        // The lock held elsewhere: the next run skips instead of overlapping.
        HostUsers.Result held = HostUsers.run("su", "-", "owuih1", "-c", "flock " + ops.resolve(".owui-daily.lock") + " " + wrapper);
        assertEquals(0, held.exit(), held.out());
        String logged = Files.readString(ops.resolve("log/daily.log"));
        assertTrue(logged.contains("ran daily backup with /usr/lib/jvm/"), logged);
        assertTrue(logged.contains("still holds") && logged.contains("skipped"), logged);
    }

    @Test
    void systemdUnitsArePlacedVerifiedAndTheMissingSystemdIsReportedWithTheReloadStep() throws Exception {
        assumeTrue(!Files.isDirectory(Path.of("/run/systemd/system")), "this machine runs systemd; the test covers hosts without it");
        ProvisionOptions o = options(ProvisionOptions.Scheduler.SYSTEMD, false, false, false, false);
        List<HostResult> results = run(o, hosts().subList(0, 1), plans("30 2 * * *"), new RecordingLog());
        HostResult r = results.get(0);
        assertTrue(r.failed() && r.error().contains("systemd is not running") && r.error().contains("systemctl --user daemon-reload")
                && r.error().contains("enable --now owui-daily.timer owui-weekly.timer"), r.error());
        Path units = HostUsers.home("owuih1").resolve(".config/systemd/user");
        String timer = Files.readString(units.resolve("owui-daily.timer"));
        assertTrue(timer.contains("OnCalendar=*-*-* 02:30:00\n") && timer.contains("Persistent=true\n"), timer);
        assertTrue(Files.readString(units.resolve("owui-weekly.timer")).contains("OnCalendar=Sun *-*-* 00:00:00\n"));
        String wrapper = Files.readString(HostUsers.home("owuih1").resolve("owui-ops/bin/owui-daily.sh"));
        assertFalse(wrapper.contains("exec >>"), "under systemd the output goes to the journal");
        SystemdAnalyze sa = SystemdAnalyze.find();
        if (sa != null) {
            sa.verify("owuih1", List.of(units.resolve("owui-daily.timer"), units.resolve("owui-daily.service")));
        }
        HostResult again = run(o, hosts().subList(0, 1), plans("30 2 * * *"), new RecordingLog()).get(0);
        assertEquals(0, again.changed(), "the files are in place: " + String.join("\n", InstallCronRender.lines(again)));

        HostResult removed = run(options(ProvisionOptions.Scheduler.SYSTEMD, false, true, false, false), hosts().subList(0, 1), plans("30 2 * * *"),
                new RecordingLog()).get(0);
        assertFalse(removed.failed(), removed.error());
        try (Stream<Path> left = Files.list(units)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void systemUnitsForARootLoginGoToEtcSystemdSystemAndAbsentRemovesThem() throws Exception {
        assumeTrue(!Files.isDirectory(Path.of("/run/systemd/system")), "this machine runs systemd; the test covers hosts without it");
        assumeTrue(Files.isDirectory(Path.of(Job.SYSTEM_UNIT_DIR)), "needs /etc/systemd/system");
        Host root = new Host("rootlogin", sshd.host(), sshd.port(), sshd.user(), null, false, List.of(), null);
        List<ScheduledPlan> plans = List.of(ScheduledPlan.of(new Plan("owuitest-sys", List.of("nas"), null, null, "0 */4 * * *", null)));
        Path timer = Path.of(Job.SYSTEM_UNIT_DIR, "owui-owuitest-sys.timer");
        Path service = Path.of(Job.SYSTEM_UNIT_DIR, "owui-owuitest-sys.service");
        String remoteDir = dir.resolve("root-units").toString();
        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.SYSTEMD, true, false, false, false, 1, remoteDir, null, null, null, 600, POM);
        try {
            HostResult r = run(o, List.of(root), plans, new RecordingLog()).get(0);
            assertTrue(r.failed() && r.error().contains("were placed") && r.error().contains("`systemctl daemon-reload`")
                    && r.error().contains("`systemctl enable --now owui-owuitest-sys.timer`"), r.error());
            String t = Files.readString(timer);
            assertTrue(t.contains("OnCalendar=*-*-* 00/4:00:00\n") && t.contains("RandomizedDelaySec=600\n"), t);
            assertFalse(Files.readString(service).contains("User="), "a root login's unit runs as root");
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(timer)));
        } finally {
            ProvisionOptions absent = new ProvisionOptions(ProvisionOptions.Scheduler.SYSTEMD, true, true, false, false, 1, remoteDir, null, null, null, 0, POM);
            HostResult removed = run(absent, List.of(root), plans, new RecordingLog()).get(0);
            assertFalse(removed.failed(), removed.error());
        }
        assertFalse(Files.exists(timer) || Files.exists(service));
        assertFalse(Files.exists(Path.of(remoteDir)));
    }

    @Test
    void aNonRootLoginWithSudoInstallsARootOwnedCronFileAndWithoutSudoFailsSayingSo() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/etc/cron.d")), "needs /etc/cron.d (Debian package cron)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")) && Files.isDirectory(Path.of("/etc/sudoers.d")), "needs sudo (Debian package sudo)");
        List<ScheduledPlan> plans = List.of(ScheduledPlan.of(new Plan("owuitest-sudo", List.of("nas"), null, null, "5 4 * * *", null)));
        Path file = Path.of("/etc/cron.d/owui-owuitest-sudo");
        Host withSudo = new Host("owuih3", sshd.host(), sshd.port(), "owuih3", null, true, List.of(), null);
        ProvisionOptions system = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, true, false, false, false, 1, null, null, null, null, 0, POM);

        HostResult refused = run(system, List.of(withSudo), plans, new RecordingLog()).get(0);
        assertTrue(refused.failed() && refused.error().contains("/etc/cron.d needs root") && refused.error().contains("cannot run sudo -n"), refused.error());
        assertFalse(Files.exists(file));

        Path sudoers = Path.of("/etc/sudoers.d/owui-test-owuih3");
        Files.writeString(sudoers, "owuih3 ALL=(root) NOPASSWD: ALL\n");
        Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
        try {
            allSucceeded(run(system, List.of(withSudo), plans, new RecordingLog()));
            String cronD = Files.readString(file);
            assertTrue(cronD.contains("\n5 4 * * * owuih3 /home/owuih3/owui-ops/bin/owui-owuitest-sudo.sh\n"), cronD);
            assertEquals("root", Files.getOwner(file).getName(), "installed by root through sudo, not by the login");
            assertEquals(0, run(system, List.of(withSudo), plans, new RecordingLog()).get(0).changed());
            assertEquals(OWN, HostUsers.crontab("owuih3"), "the login's own crontab is not involved");
            ProvisionOptions absent = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, true, true, false, false, 1, null, null, null, null, 0, POM);
            allSucceeded(run(absent, List.of(withSudo), plans, new RecordingLog()));
            assertFalse(Files.exists(file));
        } finally {
            Files.deleteIfExists(sudoers);
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aSystemWideCronFileForARootLogin() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/etc/cron.d")), "needs /etc/cron.d (Debian package cron)");
        Host root = new Host("rootlogin", sshd.host(), sshd.port(), sshd.user(), null, false, List.of(), null);
        List<ScheduledPlan> plans = List.of(ScheduledPlan.of(new Plan("owuitest.sys", List.of("nas"), null, null, "15 1 * * *", null)));
        Path file = Path.of("/etc/cron.d/owui-owuitest_sys");
        String remoteDir = dir.resolve("root-ops").toString();
        ProvisionOptions o = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, true, false, false, false, 1, remoteDir, null, null, null, 0, POM);
        try {
            allSucceeded(run(o, List.of(root), plans, new RecordingLog()));
            String cronD = Files.readString(file);
            assertTrue(cronD.contains("\n15 1 * * * root " + remoteDir + "/bin/owui-owuitest.sys.sh\n"), cronD);
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(0, run(o, List.of(root), plans, new RecordingLog()).get(0).changed());
        } finally {
            ProvisionOptions absent = new ProvisionOptions(ProvisionOptions.Scheduler.CRON, true, true, false, false, 1, remoteDir, null, null, null, 0, POM);
            allSucceeded(run(absent, List.of(root), plans, new RecordingLog()));
        }
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(Path.of(remoteDir)));
    }
}
