package dev.owui.backup.maven;

import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.backup.BackupRunner;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Backs up a live Open WebUI data directory: databases through SQLite's online backup API, every
 * other file copied or, when unchanged since the previous backup, shared with it by hard link.
 */
@Mojo(name = "backup", requiresProject = false, threadSafe = true)
public class BackupMojo extends AbstractOwuiMojo {

    /** Open WebUI's DATA_DIR: the directory holding webui.db, uploads/ and vector_db/. */
    @Parameter(property = "owui.dataDir")
    private File dataDir;

    /**
     * Globs (relative to the data directory) of what to take; empty means everything. A pattern
     * that names a directory takes everything below it.
     */
    @Parameter(property = "owui.includes")
    private List<String> includes;

    /** Globs of what to leave out. Default: {@code cache}, {@code audit.log}, {@code audit*.log}. */
    @Parameter(property = "owui.excludes")
    private List<String> excludes;

    /**
     * Open WebUI's {@code .webui_secret_key}, which lives outside the data directory
     * ({@code /app/backend/.webui_secret_key} in the container). Without it, a restored instance
     * logs everyone out and loses stored OAuth tokens.
     */
    @Parameter(property = "owui.secretKeyFile")
    private File secretKeyFile;

    /** Files stored in parallel. */
    @Parameter(property = "owui.threads", defaultValue = "4")
    private int threads;

    @Override
    protected String goal() {
        return "backup";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        FileSelector selector = new FileSelector(includes, excludes == null || excludes.isEmpty() ? null : excludes);
        BackupResult r = new BackupRunner(log).run(new BackupOptions(resolve(dataDir), target(), instance, selector,
                resolve(secretKeyFile), threads));
        summarize(log, r);
    }

    static void summarize(EngineLog log, BackupResult r) {
        Manifest m = r.manifest();
        Manifest.Totals t = m.totals();
        long total = r.phaseNanos().values().stream().mapToLong(Long::longValue).sum();
        log.info("");
        Table table = new Table("phase", "time").right(1);
        for (Map.Entry<String, Long> e : r.phaseNanos().entrySet()) {
            table.row(e.getKey(), Sizes.seconds(e.getValue()));
        }
        table.row("total", Sizes.seconds(total));
        table.printTo(log);
        log.info("");
        Table sizes = new Table("files", "size", "written", "shared", "link refused").right(0, 1, 2, 3, 4)
                .row(Sizes.count(t.files()), Sizes.bytes(t.bytes()), Sizes.bytes(t.bytesWritten()), Sizes.bytes(t.bytesReused()),
                        Sizes.count(r.linkFallbacks()));
        sizes.printTo(log);
        if (r.linkFallbacks() > 0) {
            log.warn(r.linkFallbacks() + " unchanged file(s) were copied because the target refused a hard link (a filesystem without links, or a link limit)");
        }
        log.info("");
        String schema = m.openWebUi() == null || m.openWebUi().schemaRevision() == null ? "none" : m.openWebUi().schemaRevision();
        log.info("backup " + m.backupId() + " complete: " + m.instance() + " at schema revision " + schema
                + (r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warning(s) above"));
    }
}
