package dev.owui.backup.maven;

import dev.owui.backup.config.RestoreConfig;
import dev.owui.backup.render.RestoreRender;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Restores a backup into a stopped instance's data directory, checking every file's SHA-256. A
 * non-empty directory needs owui.force, and its contents are then moved aside, never deleted.
 * With owui.paths it restores only the chosen files, into owui.output, while the instance runs.
 * Format 3 backups (a repository at the target) are restored the same way; the newest of both
 * formats is the default, and an id in both is taken from format 3 (with a warning).
 */
@Mojo(name = "restore", requiresProject = false, threadSafe = true)
public class RestoreMojo extends AbstractTargetMojo {

    /** The data directory to restore into (Open WebUI must be stopped). */
    @Parameter(property = "owui.dataDir")
    private File dataDir;

    /** The backup to restore; default the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    /** Restore into a non-empty directory, moving its contents aside first. */
    @Parameter(property = "owui.force", defaultValue = "false")
    private boolean force;

    /**
     * Restore only these files: comma-separated paths or globs relative to the backup root
     * ({@code uploads/abc_report.pdf}, {@code uploads/*.pdf}, {@code vector_db/**}). They are
     * written into owui.output, not the data directory; a pattern that matches nothing fails.
     */
    @Parameter(property = "owui.paths")
    private List<String> paths;

    /**
     * With owui.paths: the directory the chosen files are written into (created if absent),
     * keeping their paths relative to the backup root. Existing files are kept unless owui.force.
     */
    @Parameter(property = "owui.output")
    private File output;

    /** Where to write the backup's .webui_secret_key, if it holds one; unset leaves it in the backup. */
    @Parameter(property = "owui.secretKeyFile")
    private File secretKeyFile;

    @Override
    protected String goal() {
        return "restore";
    }

    @Override
    protected void run() {
        RestoreConfig config = new RestoreConfig(target, backupId, resolve(dataDir), force, paths, resolve(output), resolve(secretKeyFile));
        RestoreRender.render(owui().restore(config), instance, engineLog(), report());
    }
}
