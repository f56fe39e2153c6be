package dev.owui.backup.verify;

import dev.owui.backup.OwuiException;
import dev.owui.backup.backup.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Progress;
import dev.owui.backup.store.BackupWriter.Stored;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Proves stored backups whole: every file read back against its size and SHA-256, SQLite's
 * integrity_check on every database, and the file rows of webui.db checked against the uploads
 * the backup holds. It reports all the damage it finds, not just the first.
 */
public final class Verifier {
    private final EngineLog log;

    public Verifier(EngineLog log) {
        this.log = log;
    }

    /** Verifies the chosen backups (null: newest, "all": every one, else one id). */
    public List<VerifyResult> run(Target target, String instance, String choice) {
        Catalog catalog = new Catalog(target, InstanceNames.check(instance));
        List<VerifyResult> results = new ArrayList<>();
        for (String id : catalog.select(choice)) {
            results.add(verify(target, instance, id));
        }
        return results;
    }

    VerifyResult verify(Target target, String instance, String id) {
        List<String> damages = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Manifest m;
        try {
            m = target.manifest(instance, id);
        } catch (OwuiException e) {
            damages.add(e.problem());
            return new VerifyResult(id, 0, 0, damages, notes);
        }
        Progress progress = new Progress(log, "verify " + id, m.totals().bytes());
        long files = 0;
        long bytes = 0;
        for (FileEntry e : m.files()) {
            if (!e.hasContent()) {
                continue;
            }
            try (InputStream in = target.open(instance, id, e.path())) {
                Stored s = Hashing.sha256(in);
                files++;
                bytes += s.size();
                progress.advance(s.size());
                if (s.size() != e.size() || !s.sha256().equals(e.sha256())) {
                    damages.add(e.path() + ": content differs from the manifest (size " + s.size() + ", expected " + e.size()
                            + "; SHA-256 " + s.sha256() + ", expected " + e.sha256() + ")");
                    continue;
                }
            } catch (NoSuchFileException missing) {
                damages.add(e.path() + ": missing");
                continue;
            } catch (IOException ex) {
                damages.add(e.path() + ": unreadable (" + ex.getMessage() + ")");
                continue;
            }
            if (e.isSqlite()) {
                checkDatabase(target, instance, id, e, m, damages, notes);
            }
        }
        return new VerifyResult(id, files, bytes, damages, notes);
    }

    private void checkDatabase(Target target, String instance, String id, FileEntry e, Manifest m, List<String> damages, List<String> notes) {
        try {
            Path db = target.localFile(instance, id, e.path());
            for (String problem : SqliteCapture.integrityCheck(db)) {
                damages.add(e.path() + ": integrity_check: " + problem);
            }
            if (e.path().equals(DataDirectory.MAIN_DB)) {
                List<String> uploads = m.files().stream().map(FileEntry::path).filter(p -> p.startsWith(DataDirectory.UPLOADS + "/")).toList();
                InstanceFacts now = InstanceInspector.read(db).crossCheck(uploads);
                if (!now.rowsWithoutFile().isEmpty()) {
                    notes.add(now.rowsWithoutFile().size() + " file row(s) without their upload (" + now.rowsWithoutFile().get(0) + " …)");
                }
                if (!now.filesWithoutRow().isEmpty()) {
                    notes.add(now.filesWithoutRow().size() + " upload(s) without a file row (" + now.filesWithoutRow().get(0) + " …)");
                }
                InstanceFacts recorded = m.openWebUi();
                if (recorded != null && !Objects.equals(recorded.schemaRevision(), now.schemaRevision())) {
                    damages.add("webui.db: schema revision " + now.schemaRevision() + " differs from the manifest's " + recorded.schemaRevision());
                }
            }
        } catch (SQLException | IOException ex) {
            damages.add(e.path() + ": cannot be opened as SQLite (" + ex.getMessage() + ")");
        }
    }
}
