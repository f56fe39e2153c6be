package dev.owui.backup.maven;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.config.DiffConfig;
import dev.owui.backup.diff.BackupDiff;
import dev.owui.backup.render.DiffRender;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What changed between two backups of an instance: files added, removed and changed with their
 * sizes, folders, and the row counts of the Open WebUI database (webui.db, or a PostgreSQL
 * instance's, recorded at the dump) before and after. Reads the two manifests only, no database
 * (a format 3 backup's head and entry chunks), either backup in format 1, 2 or 3.
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
        PerTarget.Outcomes<?> r = owui().diff(new DiffConfig(targets(), backupIds, diffLimit), new DiffRender(engineLog(), report())::target);
        r.throwIfFailed();
    }
}
