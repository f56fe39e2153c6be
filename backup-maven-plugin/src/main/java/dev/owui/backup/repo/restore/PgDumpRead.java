package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.postgres.PgRestore;
import dev.owui.backup.postgres.PgTarget;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.store.LocalCopies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a format 3 backup's Open WebUI database when it is a PostgreSQL dump (the goals that read
 * webui.db of an SQLite backup: export-chats): the dump's entries are decoded and checked into a
 * private folder under the repository's scratch folder, restored into a new scratch database
 * {@code owui_scratch_<random>} on the server the operator names, read there, and the database
 * and the folder are removed, also when a step fails. The backup and the operator's databases
 * are only read.
 */
public final class PgDumpRead {
    /** The prefix of the scratch databases this creates (and drops). */
    public static final String SCRATCH_PREFIX = "owui_scratch_";

    private PgDumpRead() {
    }

    /** The head's dump of the Open WebUI database, or null when the backup holds none (an SQLite instance). */
    public static BackupHead.PgDump mainDump(BackupHead head) {
        if (head.postgres() == null) {
            return null;
        }
        return head.postgres().stream().filter(d -> PgRestoreStep.MAIN.equals(d.role())).findFirst().orElse(null);
    }

    /**
     * Restores the backup's Open WebUI dump into a scratch database on {@code server}'s server
     * and gives {@code read} a connection to it.
     *
     * @param server the server ({@code server.database()} names it; any database there) and pg_restore
     */
    public static <T> T read(Repository repo, BackupHead head, DecryptionKeys keys, PgTarget server, PgRestore.ScratchRead<T> read) {
        BackupHead.PgDump dump = mainDump(head);
        if (dump == null) {
            throw new IllegalArgumentException("backup " + head.backupId() + " holds no PostgreSQL dump");
        }
        List<Entry> entries = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(head, keys)) {
            while (it.hasNext()) {
                Entry e = it.next();
                // custom format: the one file; directory format: toc.dat and the table files under it
                if (Entry.PG_DUMP.equals(e.type()) && (e.path().equals(dump.path()) || e.path().startsWith(dump.path() + "/"))) {
                    entries.add(e);
                }
            }
        }
        if (entries.isEmpty()) {
            throw new OwuiException("backup " + head.backupId() + "'s head names the dump " + dump.path() + ", but its entries hold no such file",
                    "the backup is damaged: run owui:verify on it, and read another backup (owui:list)");
        }
        Path tmp = null;
        try {
            Files.createDirectories(repo.scratch());
            tmp = Files.createTempDirectory(repo.scratch(), "owui-read-pg-");
            PgRestoreStep.decodeAll(repo, entries, keys, tmp);
            Path staged = PgRestoreStep.stagedPath(tmp, dump.path());
            return new PgRestore(server.tools()).inScratch(server.database(), staged, server.restoreOptions(), SCRATCH_PREFIX, read);
        } catch (IOException e) {
            throw new OwuiException("cannot decode backup " + head.backupId() + "'s " + dump.path() + ": " + e.getMessage(),
                    "check free space in " + repo.scratch() + " and the target", e);
        } finally {
            if (tmp != null) {
                try {
                    LocalCopies.deleteTree(tmp);
                } catch (UncheckedIOException ignored) {
                    // a private folder in the repository's scratch folder, swept by the next run
                }
            }
        }
    }
}
