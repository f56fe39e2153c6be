package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.Targets;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

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

    /** The project's directory, or the current directory without a pom. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    protected File basedir;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("owui." + goal() + " skipped (owui.skip=true)");
            return;
        }
        try {
            run();
        } catch (OwuiException e) {
            getLog().error(e.getMessage());
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("owui:" + goal() + " failed unexpectedly: " + e, e);
        }
    }

    protected abstract String goal();

    protected abstract void run() throws MojoFailureException;

    protected EngineLog engineLog() {
        return new MavenEngineLog(getLog());
    }

    /** The target an operator named (owui.target, owui.snapshotDir), resolved against the base directory. */
    protected Target target(String spec) {
        return Targets.parse(spec, basePath(), sync);
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
