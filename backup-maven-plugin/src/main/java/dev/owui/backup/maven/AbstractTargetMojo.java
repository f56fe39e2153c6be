package dev.owui.backup.maven;

import dev.owui.backup.store.Target;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that work on backups at a target named by {@code owui.target}: backup, list, restore, verify. */
abstract class AbstractTargetMojo extends AbstractOwuiMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS) or a {@code file:} URL; a
     * snapshot directory works too. Relative paths are resolved against the project's directory,
     * or the current directory when run without a pom.
     */
    @Parameter(property = "owui.target")
    protected String target;

    protected Target target() {
        return target(target);
    }
}
