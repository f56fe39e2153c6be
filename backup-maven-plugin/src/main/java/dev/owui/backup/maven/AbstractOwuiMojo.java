package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.ssh.SshOptions;
import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.io.File;
import java.nio.file.Path;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.codehaus.plexus.component.configurator.ComponentConfigurator;

/**
 * What every goal shares: skip, the instance, durability, and the translation of engine outcomes
 * into Maven's: an {@link OwuiException} (bad input, damaged backup) fails the build with its one
 * line; anything else is an unexpected error.
 */
abstract class AbstractOwuiMojo extends AbstractMojo {

    /** Skips the goal. */
    @Parameter(property = "owui.skip", defaultValue = "false")
    protected boolean skip;

    /** The instance's folder name at the target; one target can hold several instances. */
    @Parameter(property = "owui.instance", defaultValue = "open-webui")
    protected String instance;

    /**
     * Flush written files and directories to stable storage (fsync) before the manifest makes a
     * backup count. Turn off only on a target whose writes are already durable.
     */
    @Parameter(property = "owui.sync", defaultValue = "true")
    protected boolean sync;

    /** The known_hosts file that sftp:// host keys are checked against (default ~/.ssh/known_hosts). */
    @Parameter(property = "owui.knownHosts")
    protected File knownHosts;

    /** The OpenSSH client config honoured for sftp:// hosts (default ~/.ssh/config). */
    @Parameter(property = "owui.sshConfig")
    protected File sshConfig;

    /**
     * Named targets that plans refer to: {@code <target><id>offsite</id><url>s3://bucket/owui</url>
     * <serverId>b2</serverId><endpoint>…</endpoint></target>}.
     */
    @Parameter
    protected List<TargetConfig> targets;

    /**
     * Named jobs: {@code <plan><id>daily</id><targets><target>offsite</target></targets>
     * <keepDaily>7</keepDaily><schedule>30 2 * * *</schedule></plan>}; run one with -Dowui.plan.
     */
    @Parameter
    protected List<PlanConfig> plans;

    /** The time zone whose hours, days, weeks, months and years retention counts (default: this machine's). */
    @Parameter(property = "owui.timeZone")
    protected String timeZone;

    /** The plan to run (its targets, mode and retention replace owui.target and owui.keep*). */
    @Parameter(property = "owui.plan")
    protected String plan;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Parameter(defaultValue = "${session}", readonly = true)
    protected MavenSession session;

    @Component
    protected SettingsDecrypter settingsDecrypter;

    /** This run of the goal: its descriptor (every parameter and its property) and the pom's configuration. */
    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    protected MojoExecution mojoExecution;

    /** The configurator Maven configures Mojos with, to set a parameter from the command line the same way. */
    @Component(role = ComponentConfigurator.class, hint = "basic")
    protected ComponentConfigurator configurator;

    /** The project's directory, or the current directory without a pom. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    protected File basedir;

    /**
     * Writes a JSON report of the run (REPORT.md) to this file, replacing it atomically (mode 0600),
     * or to standard output with {@code -} (run mvn -q so that nothing else is there). A failing run
     * writes its report too (result failure, with the error), then fails.
     */
    @Parameter(property = "owui.report")
    protected String report;

    /** Where {@code owui.report=-} writes; null: the process's standard output (tests set a buffer). */
    java.io.OutputStream reportStdout;

    private dev.owui.backup.report.JsonReport jsonReport;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        jsonReport = new dev.owui.backup.report.JsonReport(goal(), java.time.Instant.now());
        try {
            // Before skip and any work: a -D must win over the pom (owui.skip too), and a mistyped one must stop the run.
            CommandLineProperties.apply(this, session, mojoExecution, configurator, getLog());
            if (skip) {
                getLog().info("owui." + goal() + " skipped (owui.skip=true)");
                writeReport("skipped", null);
                return;
            }
            run();
        } catch (OwuiException e) {
            getLog().error(e.getMessage());
            writeReport("failure", e);
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            writeReport("failure", e);
            throw new MojoExecutionException("owui:" + goal() + " failed unexpectedly: " + e, e);
        } catch (MojoFailureException e) {
            writeReport("failure", e);
            throw e;
        }
        writeReport("success", null); // outside the try: a report that cannot be written fails the run
    }

    /** The goal's section of the JSON report: goals put what they did there as they go. */
    protected dev.owui.backup.report.JsonReport report() {
        return jsonReport;
    }

    private void writeReport(String result, Throwable error) throws MojoFailureException {
        if (report == null || report.isBlank()) {
            return;
        }
        try {
            String json = jsonReport.toJson(result, java.time.Instant.now(), error);
            if (report.strip().equals("-")) {
                toStdout(json);
            } else {
                dev.owui.backup.report.JsonReport.write(resolve(new File(report.strip())), json);
            }
        } catch (OwuiException e) {
            if (error != null) {
                getLog().warn(e.getMessage()); // the run's own failure is the one to fail with
                return;
            }
            getLog().error(e.getMessage());
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /**
     * The report on the process's standard output, not System.out: mvn -l (--log-file) points
     * System.out at the log file, and the document must reach the pipe a CI step reads (with -q
     * or -l nothing else is written there). Writing the output that owui.report=- asks for reads no
     * global state, unlike System.getProperty, and ends nothing, unlike System.exit. Not closed:
     * it is the process's file descriptor 1.
     */
    private void toStdout(String json) {
        System.out.flush(); // Maven's lines so far first, then the whole document
        try {
            java.io.OutputStream out = reportStdout != null ? reportStdout : new java.io.FileOutputStream(java.io.FileDescriptor.out);
            out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (java.io.IOException e) {
            throw new OwuiException("cannot write the report to standard output: " + e.getMessage(), "write it to a file instead (-Dowui.report=FILE)");
        }
    }

    protected abstract String goal();

    protected abstract void run() throws MojoFailureException;

    protected EngineLog engineLog() {
        return new MavenEngineLog(getLog());
    }

    /**
     * The spec of a target named on its own (owui.target, owui.snapshotDir): a target id of the
     * pom's {@code <targets>}, or else a URL, with the options {@link #urlSpec} gives it.
     */
    protected TargetSpec targetSpec(String spec) {
        if (spec != null && targets != null) {
            for (TargetConfig t : targets) {
                if (spec.equals(t.id)) {
                    return t.toSpec();
                }
            }
        }
        return urlSpec(spec);
    }

    /** A target URL given alone: no server id or S3 options here (the goals that open targets add theirs). */
    protected TargetSpec urlSpec(String url) {
        return TargetSpec.of(url, null);
    }

    /** What opening any target needs: SSH options and credentials by server id, Maven's environment. */
    protected TargetContext targetContext() {
        return new TargetContext(basePath(), sync, this::sshOptions, this::credentials, environment());
    }

    /** The credentials of a settings.xml server; fails naming a missing id. */
    protected Credentials credentials(String id) {
        ServerCredentials c = ServerCredentials.from(settings, settingsDecrypter, id);
        return new Credentials(c.username(), c.password(), c.privateKey(), c.passphrase());
    }

    /** The process environment as Maven sees it (env.* system properties), never System.getenv. */
    protected Map<String, String> environment() {
        Properties sys = session == null ? new Properties() : session.getSystemProperties();
        Map<String, String> env = new HashMap<>();
        for (String name : sys.stringPropertyNames()) {
            if (name.startsWith("env.")) {
                env.put(name.substring(4), sys.getProperty(name));
            }
        }
        return env;
    }

    /** The user's home as Maven sees it. */
    protected Path home() {
        Properties sys = session == null ? new Properties() : session.getSystemProperties();
        return Path.of(sys.getProperty("user.home", "/root"));
    }

    /**
     * SSH settings for an sftp:// target: the user's home and SSH_AUTH_SOCK from Maven's view of
     * the environment (never System.getProperty), then the files and the credentials of
     * {@code id} (a settings.xml server), if given.
     */
    protected SshOptions sshOptions(String id) {
        SshOptions o = SshOptions.fromEnvironment(home(), environment()).withKnownHosts(resolve(knownHosts)).withSshConfig(resolve(sshConfig));
        if (id != null && !id.isBlank()) {
            ServerCredentials c = ServerCredentials.from(settings, settingsDecrypter, id);
            o = o.withCredentials(c.username(), c.password(), c.privateKey(), c.passphrase()).withCredentialsFrom("settings.xml server '" + id + "'");
        }
        return o;
    }

    protected ZoneId zone() {
        try {
            return timeZone == null || timeZone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new OwuiException("owui.timeZone '" + timeZone + "' is not a time zone", "use a region id such as Europe/Berlin, or UTC");
        }
    }

    /** What opens encrypted backups: none here (the goals that read or write backups take owui.passphraseEnv and the rest). */
    protected dev.owui.backup.codec.DecryptionKeys decryptionKeys() {
        return dev.owui.backup.codec.DecryptionKeys.none();
    }

    /** The pom's targets and plans, checked together. */
    protected PlanBook planBook() {
        List<TargetSpec> specs = targets == null ? List.of() : targets.stream().map(TargetConfig::toSpec).toList();
        List<Plan> ps = plans == null ? List.of() : plans.stream().map(PlanConfig::toPlan).toList();
        return new PlanBook(specs, ps);
    }

    /** What every goal's run shares, built once from the parameters (see {@link dev.owui.backup.config.RunContext}). */
    protected dev.owui.backup.config.RunContext runContext() {
        EngineLog log = engineLog();
        return new dev.owui.backup.config.RunContext(instance, targetContext(), this::targetSpec, planBook(), zone(), keysOnce(),
                home().resolve(".cache/owui-backup"), log);
    }

    /**
     * {@link #decryptionKeys} read on first use and kept: a run asks for the keys at each target and
     * step, and the passphrase and secret key file need reading once. A read that fails is not kept,
     * so each ask fails the same way.
     */
    private java.util.function.Supplier<dev.owui.backup.codec.DecryptionKeys> keysOnce() {
        return new java.util.function.Supplier<>() {
            private dev.owui.backup.codec.DecryptionKeys keys;

            @Override
            public synchronized dev.owui.backup.codec.DecryptionKeys get() {
                if (keys == null) {
                    keys = decryptionKeys();
                }
                return keys;
            }
        };
    }

    /** The facade over the engine, with this goal's context; a goal that does not notify builds no notifiers. */
    protected dev.owui.backup.app.Owui owui() {
        dev.owui.backup.config.RunContext c = runContext();
        return new dev.owui.backup.app.Owui(c, new dev.owui.backup.notify.Notifications(List.of(), c.log()));
    }

    protected Path basePath() {
        return (basedir != null ? basedir.toPath() : Path.of("")).toAbsolutePath();
    }

    /** Resolves a file parameter given as a path relative to the base directory. */
    protected Path resolve(File f) {
        if (f == null) {
            return null;
        }
        Path p = f.toPath();
        return p.isAbsolute() ? p : basePath().resolve(p);
    }
}
