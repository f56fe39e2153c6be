package dev.owui.backup.provision;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plan on one host: where its files go and the values its templates get (templates/README.md
 * lists them). Every value is present; optional ones are "" or 0, so a template can never be
 * rendered with a silently missing value.
 */
record Job(ScheduledPlan sp, String hostName, String remoteDir, String unitDir, String javaHome, String command, String cronUser,
           String runAs, ProvisionOptions o) {

    static final String SYSTEM_UNIT_DIR = "/etc/systemd/system";
    static final String CRON_D = "/etc/cron.d";

    String wrapper() {
        return remoteDir + "/bin/" + sp.unitName() + ".sh";
    }

    String opsPom() {
        return remoteDir + "/pom.xml";
    }

    String lockFile() {
        return remoteDir + "/." + sp.unitName() + ".lock";
    }

    String logDir() {
        return remoteDir + "/log";
    }

    String service() {
        return unitDir + "/" + sp.unitName() + ".service";
    }

    String timer() {
        return unitDir + "/" + sp.unitName() + ".timer";
    }

    String cronDFile() {
        return CRON_D + "/" + sp.cronDName();
    }

    boolean systemd() {
        return o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD;
    }

    /** The default command, or the operator's with {pom}, {plan}, {goal} and {dir} filled in. */
    static String command(String template, String mvn, String opsPom, String planId, String goal, String remoteDir) {
        String t = template != null ? template : mvn + " -B -f {pom} owui:{goal} -Dowui.plan={plan}";
        return t.replace("{pom}", opsPom).replace("{plan}", planId).replace("{goal}", goal).replace("{dir}", remoteDir);
    }

    Map<String, Object> model() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan", sp.id());
        m.put("goal", sp.plan().goal());
        m.put("host", hostName);
        m.put("schedule", sp.schedule().expression());
        m.put("cron", sp.schedule().cron());
        m.put("onCalendar", sp.schedule().onCalendar());
        m.put("scheduler", o.scheduler().id());
        m.put("command", command);
        m.put("wrapper", wrapper());
        m.put("remoteDir", remoteDir);
        m.put("opsPom", opsPom());
        m.put("javaHome", javaHome);
        m.put("path", o.path());
        m.put("logFile", systemd() ? "" : logDir() + "/" + sp.id() + ".log");
        m.put("logDir", systemd() ? "" : logDir());
        m.put("lockFile", lockFile());
        m.put("marker", sp.marker());
        m.put("cronUser", cronUser);
        m.put("runAs", runAs);
        m.put("serviceName", sp.unitName() + ".service");
        m.put("timerName", sp.unitName() + ".timer");
        m.put("randomizedDelaySec", o.randomizedDelaySec());
        return m;
    }
}
