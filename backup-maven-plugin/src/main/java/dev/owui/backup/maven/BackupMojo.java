package dev.owui.backup.maven;

import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.backup.BackupRunner;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.store.Target;
import java.util.Map;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Backs up a live Open WebUI data directory: databases through SQLite's online backup API, every
 * other file copied or, when unchanged since the previous backup, shared with it by hard link.
 */
@Mojo(name = "backup", requiresProject = false, threadSafe = true)
public class BackupMojo extends AbstractCaptureMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS) or a {@code file:} URL.
     * Relative paths are resolved against the project's directory, or the current directory when
     * run without a pom.
     */
    @Parameter(property = "owui.target")
    private String target;

    @Override
    protected String goal() {
        return "backup";
    }

    @Override
    protected void run() {
        EngineLog log = engineLog();
        try (Target t = target(target)) {
            summarize(log, new BackupRunner(log).run(options(t)), "backup");
        }
    }

    /** The closing summary: time per phase, then files and bytes; {@code what} names the result (backup, snapshot). */
    static void summarize(EngineLog log, BackupResult r, String what) {
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
        log.info(what + " " + m.backupId() + " complete: " + m.instance() + " at schema revision " + schema
                + (r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warning(s) above"));
    }
}
