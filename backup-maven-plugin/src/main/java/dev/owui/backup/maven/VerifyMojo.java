package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import dev.owui.backup.store.Target;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Re-reads stored backups: every file against its SHA-256, integrity_check on every database, the
 * file rows against the uploads. Fails listing every damage found, and records the damaged files at
 * the target (damage/) so the next backup stores them anew rather than sharing the damaged copies.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractTargetMojo {

    /** The backup to verify: an id, {@code all}, or unset for the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    @Override
    protected String goal() {
        return "verify";
    }

    @Override
    protected void run() {
        forEachTarget((spec, t) -> verify(t));
    }

    private void verify(Target t) {
        EngineLog log = engineLog();
        List<VerifyResult> results = new Verifier(log, decryptionKeys()).run(t, instance, backupId);
        targetReport().put("location", t.location());
        targetReport().put("backups", results.stream().map(ReportSections::verified).toList());
        Table table = new Table("backup", "files", "read", "result").right(1, 2);
        long damaged = 0;
        for (VerifyResult r : results) {
            table.row(r.backupId(), Sizes.count(r.files()), Sizes.bytes(r.bytes()), r.whole() ? "ok" : r.damages().size() + " damaged");
            r.notes().forEach(n -> log.info(r.backupId() + ": " + n));
            for (String d : r.damages()) {
                log.warn(r.backupId() + ": DAMAGED " + d);
            }
            damaged += r.whole() ? 0 : 1;
        }
        table.printTo(log);
        if (damaged > 0) {
            throw new OwuiException(damaged + " of " + results.size() + " backup(s) damaged at " + t.location() + " (listed above)",
                    "do not rely on them: take a fresh backup now (it stores the damaged files anew instead of sharing them;"
                            + " -Dowui.full=true stores every file anew), and restore only from a backup that verifies");
        }
        log.info(results.size() == 1 ? "backup " + results.get(0).backupId() + " is whole" : "all " + results.size() + " backups are whole");
    }
}
