package dev.owui.backup.maven;

import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.Target;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that capture a data directory: backup and snapshot. */
abstract class AbstractCaptureMojo extends AbstractOwuiMojo {

    /** Open WebUI's DATA_DIR: the directory holding webui.db, uploads/ and vector_db/. */
    @Parameter(property = "owui.dataDir")
    protected File dataDir;

    /**
     * Globs (relative to the data directory) of what to take; empty means everything. A pattern
     * that names a directory takes everything below it.
     */
    @Parameter(property = "owui.includes")
    protected List<String> includes;

    /** Globs of what to leave out. Default: {@code cache}, {@code audit.log}, {@code audit*.log}. */
    @Parameter(property = "owui.excludes")
    protected List<String> excludes;

    /**
     * Open WebUI's {@code .webui_secret_key}, which lives outside the data directory
     * ({@code /app/backend/.webui_secret_key} in the container). Without it, a restored instance
     * logs everyone out and loses stored OAuth tokens.
     */
    @Parameter(property = "owui.secretKeyFile")
    protected File secretKeyFile;

    /** Files stored in parallel. */
    @Parameter(property = "owui.threads", defaultValue = "4")
    protected int threads;

    protected BackupOptions options(Target target) {
        FileSelector selector = new FileSelector(includes, excludes == null || excludes.isEmpty() ? null : excludes);
        return new BackupOptions(resolve(dataDir), target, instance, selector, resolve(secretKeyFile), threads);
    }
}
