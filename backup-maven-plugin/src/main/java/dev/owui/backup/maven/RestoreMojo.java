package dev.owui.backup.maven;

import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.restore.RepoRestoreRunner;
import dev.owui.backup.restore.PathRestore;
import dev.owui.backup.restore.PathRestoreOptions;
import dev.owui.backup.restore.RestoreOptions;
import dev.owui.backup.restore.RestoreResult;
import dev.owui.backup.restore.RestoreRunner;
import dev.owui.backup.store.Target;
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

    /** The report's restore section: what was restored, where to, and where the replaced contents went. */
    private void restored(RestoreResult r, java.nio.file.Path into, String kind) {
        java.util.Map<String, Object> s = report().section();
        s.put("instance", instance);
        s.put("backupId", r.backupId());
        s.put("scope", kind);
        s.put("into", into == null ? null : into.toString());
        if (paths != null && !paths.isEmpty()) {
            s.put("paths", paths);
        }
        s.put("files", r.files());
        s.put("bytes", r.bytes());
        s.put("setAside", r.setAside() == null ? null : r.setAside().toString());
        s.put("warnings", r.warnings());
    }

    @Override
    protected String goal() {
        return "restore";
    }

    @Override
    protected void run() {
        try (Target t = target(); TargetRepo repo = TargetRepo.open(targetSpec(target), targetContext(), instance, engineLog())) {
            TargetRepo.Choice choice = repo.repository().isEmpty() ? null
                    : TargetRepo.choose(new Catalog(t, instance).ids(), repo.ids(), backupId, t.location(), instance, engineLog());
            if (choice != null && choice.repo()) {
                runFormat3(repo.repository().orElseThrow(), choice.backupId());
                return;
            }
            runFormat2(t, choice == null ? backupId : choice.backupId());
        }
    }

    /** A format 3 backup (FORMAT.md, "Format 3"): the same rules, the repository's restore filling the directory. */
    private void runFormat3(dev.owui.backup.repo.Repository repo, String id) {
        RepoRestoreRunner runner = new RepoRestoreRunner(engineLog());
        RestoreResult r;
        if (paths != null && !paths.isEmpty()) {
            r = runner.runPaths(repo, instance, id, paths, resolve(output), force, decryptionKeys());
            restored(r, resolve(output), "paths");
            report().section().put("format", 3);
            getLog().info("restored " + Sizes.count(r.files()) + " file(s) of backup " + r.backupId() + ", " + Sizes.bytes(r.bytes())
                    + ", each checked against its SHA-256, into " + resolve(output) + (r.setAside() == null ? "" : "; the files they replaced are in " + r.setAside()));
            return;
        }
        r = runner.run(new RepoRestoreRunner.Options(repo, instance, id, resolve(dataDir), force, resolve(secretKeyFile), decryptionKeys()));
        restored(r, resolve(dataDir), "whole");
        report().section().put("format", 3);
        getLog().info("restored backup " + r.backupId() + ": " + Sizes.count(r.files()) + " files, " + Sizes.bytes(r.bytes())
                + ", every one decoded and checked against its SHA-256, every database against its capture" + (r.setAside() == null ? "" : "; earlier contents in " + r.setAside()));
    }

    private void runFormat2(Target t, String backupId) {
        RestoreResult r;
        if (paths != null && !paths.isEmpty()) {
            r = new PathRestore(engineLog()).run(new PathRestoreOptions(t, instance, backupId, paths, resolve(output), force, decryptionKeys()));
            restored(r, resolve(output), "paths");
            getLog().info("restored " + Sizes.count(r.files()) + " file(s) of backup " + r.backupId() + ", " + Sizes.bytes(r.bytes())
                    + ", each checked against its SHA-256, into " + resolve(output) + (r.setAside() == null ? "" : "; the files they replaced are in " + r.setAside()));
            return;
        }
        r = new RestoreRunner(engineLog()).run(new RestoreOptions(t, instance, backupId, resolve(dataDir), force, resolve(secretKeyFile), decryptionKeys()));
        restored(r, resolve(dataDir), "whole");
        getLog().info("restored backup " + r.backupId() + ": " + Sizes.count(r.files()) + " files, " + Sizes.bytes(r.bytes())
                + ", every one decoded where needed and checked against its SHA-256" + (r.setAside() == null ? "" : "; earlier contents in " + r.setAside()));
    }
}
