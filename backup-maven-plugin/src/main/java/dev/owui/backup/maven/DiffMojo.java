package dev.owui.backup.maven;

import dev.owui.backup.diff.BackupDiff;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What changed between two backups of an instance: files added, removed and changed with their
 * sizes, folders, and the row counts of webui.db before and after. Reads the two manifests only.
 * With owui.plan, at each of the plan's targets.
 */
@Mojo(name = "diff", requiresProject = false, threadSafe = true)
public class DiffMojo extends AbstractTargetMojo {

    /**
     * The two backups, {@code OLD,NEW}: ids or {@code latest}. One id alone compares it with the
     * newest; unset compares the two newest.
     */
    @Parameter(property = "owui.backupIds")
    private String backupIds;

    /** How many paths to list per category (added, removed, changed…); 0 prints the counts only. */
    @Parameter(property = "owui.diffLimit", defaultValue = "" + BackupDiff.DEFAULT_LIMIT)
    private int diffLimit;

    @Override
    protected String goal() {
        return "diff";
    }

    @Override
    protected void run() {
        BackupDiff diff = new BackupDiff(engineLog(), decryptionKeys(), diffLimit);
        forEachTarget((spec, t) -> targetReport().put("diff", diff.run(t, instance, backupIds)));
    }
}
