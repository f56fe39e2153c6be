package dev.owui.backup.maven;

import dev.owui.backup.config.TargetChoice;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that read backups at a target named by {@code owui.target} (verify, list, diff, prune: or at each target of {@code owui.plan}). */
abstract class AbstractTargetMojo extends AbstractStoreMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS) or a {@code file:} URL; a
     * snapshot directory works too. Relative paths are resolved against the project's directory,
     * or the current directory when run without a pom.
     */
    @Parameter(property = "owui.target")
    protected String target;

    /** owui.target and owui.plan, as the goal's configuration names the targets. */
    protected TargetChoice targets() {
        return new TargetChoice(target, plan);
    }
}
