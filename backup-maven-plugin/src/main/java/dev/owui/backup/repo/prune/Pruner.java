package dev.owui.backup.repo.prune;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Backups;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNameSet;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.tree.BrowsableTrees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Prune (FORMAT.md, "Prune: forget, then mark and sweep"), under the exclusive lock: (1) delete
 * the heads of the backups forgotten; (2) mark every object a remaining backup names (chunks,
 * findings, contents, page maps, layers); (3) sweep: delete every object not marked. A crash after
 * (1) leaves garbage the next prune collects; during (3) only unreferenced objects are gone. If the
 * mark cannot read every remaining backup in full, nothing is swept: an object named only by an
 * unreadable chunk would otherwise be deleted.
 */
public final class Pruner {
    /** Temp files younger than this may belong to a write still running elsewhere (FORMAT.md: a day). */
    static final Duration TEMP_AGE = Duration.ofDays(1);

    private final Repository repo;

    public Pruner(Repository repo) {
        this.repo = repo;
    }

    /**
     * Forgets {@code backupIds} (ids with no head are ignored) and collects every object no
     * remaining backup names. {@code keys} are needed when manifests are encrypted.
     */
    public PruneReport prune(RepoLock lock, Collection<String> backupIds, DecryptionKeys keys) {
        lock.checkExclusive("prune");
        Backups backups = repo.backups();
        List<String> existing = backups.list();
        List<String> forgotten = new ArrayList<>();
        for (String id : backupIds) {
            if (existing.contains(id)) {
                repo.store().delete(repo.key(Backups.headKey(id)));
                forgotten.add(id);
            }
        }
        List<String> remaining = backups.list();
        // Trees first: a tree's hard link would keep a swept object's bytes on disk (FORMAT.md, "Browsable trees").
        BrowsableTrees.of(repo).ifPresent(t -> t.removeStale(lock, remaining));
        ObjectNameSet marked = mark(backups, remaining, keys);
        long[] swept = sweep(lock, marked);
        int temps = removeStaleTemps();
        return new PruneReport(forgotten, remaining.size(), swept[0], swept[1], swept[2], temps);
    }

    /**
     * Temp files of killed writes, in the repository's own folders only: never inside
     * {@code trees/}, whose files carry upload names (one could look like a temp) and whose
     * walk would cost a request per folder of every tree, nor inside format 1/2 trees beside.
     */
    private int removeStaleTemps() {
        int n = repo.store().removeStaleTemps(repo.key(Repository.INFO), TEMP_AGE);
        for (String dir : TEMP_DIRS) {
            n += repo.store().removeStaleTemps(repo.key(dir), TEMP_AGE);
        }
        return n;
    }

    /** Where the repository writes objects (each a write-if-absent through a temp file). */
    private static final List<String> TEMP_DIRS = List.of(ObjectNames.DIR, Backups.DIR, "locks/", "damage/");

    private ObjectNameSet mark(Backups backups, List<String> ids, DecryptionKeys keys) {
        ObjectNameSet marked = new ObjectNameSet();
        for (String id : ids) {
            try {
                BackupHead head = backups.head(id);
                if (head.findings() != null) {
                    marked.add(head.findings());
                }
                for (BackupHead.ChunkRef c : head.chunks()) {
                    marked.add(c.object());
                }
                try (EntryIterator it = backups.entries(head, keys)) {
                    while (it.hasNext()) {
                        Entry e = it.next();
                        for (String o : e.objects()) {
                            marked.add(o);
                        }
                    }
                }
            } catch (OwuiException e) {
                throw new OwuiException("prune cannot read backup " + id + ", so it deleted no object (heads of forgotten backups are gone): "
                        + e.problem(), "give the key if manifests are encrypted, or run owui:verify; then prune again", e);
            }
        }
        return marked.seal();
    }

    /** {kept, deleted, bytes freed}. */
    private long[] sweep(RepoLock lock, ObjectNameSet marked) {
        long[] counts = new long[3];
        lock.checkExclusive("deleting unreferenced objects");
        repo.store().list(repo.key(ObjectNames.DIR), s -> {
            String name = ObjectNames.nameOf(repo.relative(s.key()));
            if (name == null) {
                return; // not an object's key: not ours to delete
            }
            if (marked.contains(name)) {
                counts[0]++;
            } else {
                repo.store().delete(s.key());
                counts[1]++;
                counts[2] += s.size();
            }
        });
        return counts;
    }
}
