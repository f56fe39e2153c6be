package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The format 3 repository of an instance at a target, for the goals that only read (restore,
 * verify): opened only when {@code <instance>/repository.json} is there, since
 * {@link Repository#open} would create it and a read must leave the target as it was. Also
 * how an operator's backup id names a backup when the target holds both formats.
 */
public final class TargetRepo implements AutoCloseable {
    private final ObjectStore store;
    private final Repository repo;

    private TargetRepo(ObjectStore store, Repository repo) {
        this.store = store;
        this.repo = repo;
    }

    /** The instance's repository at the target, if it has one (the store is closed with this). */
    public static TargetRepo open(TargetSpec spec, TargetContext ctx, String instance, EngineLog log) {
        dev.owui.backup.capture.InstanceNames.check(instance); // it names a folder of the store
        ObjectStore store = RepoStores.open(spec, ctx);
        try {
            if (store.stat(instance + "/" + Repository.INFO).isEmpty()) {
                return new TargetRepo(store, null);
            }
            return new TargetRepo(store, Repository.open(store, instance, Path.of(System.getProperty("java.io.tmpdir")), log));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public Optional<Repository> repository() {
        return Optional.ofNullable(repo);
    }

    /** The format 3 backup ids, oldest first; empty without a repository. */
    public List<String> ids() {
        return repo == null ? List.of() : repo.backups().list();
    }

    @Override
    public void close() {
        store.close();
    }

    /** A backup the operator chose, and the format it is in (2 covers formats 1 and 2). */
    public record Choice(String backupId, int format) {
        public boolean repo() {
            return format == 3;
        }
    }

    /**
     * Resolves {@code choice} (null, blank or {@code latest}: the newest of both formats; else one
     * id) over the format 1/2 ids and the format 3 ids of one target. Ids are times, so one id in
     * both is not expected; if it happens the format 3 backup is taken and {@code log} warns.
     */
    public static Choice choose(List<String> format2, List<String> format3, String choice, String where, String instance, EngineLog log) {
        if (Catalog.ALL.equals(choice)) {
            throw new OwuiException("owui.backupId=all names several backups", "name one backup id, or leave it unset for the newest");
        }
        if (format2.isEmpty() && format3.isEmpty()) {
            throw new OwuiException("no backups of instance '" + instance + "' at " + where, "check owui.target and owui.instance; run owui:backup first");
        }
        String id;
        if (choice == null || choice.isBlank() || "latest".equals(choice)) {
            id = newest(format2, format3);
        } else if (format2.contains(choice) || format3.contains(choice)) {
            id = choice;
        } else {
            List<String> all = merged(format2, format3);
            throw new OwuiException("no backup " + choice + " of instance '" + instance + "' at " + where,
                    "backups there (newest last): " + (all.size() > 5 ? "…, " : "")
                            + String.join(", ", all.subList(Math.max(0, all.size() - 5), all.size())) + "; run owui:list for details");
        }
        if (format3.contains(id)) {
            if (format2.contains(id)) {
                log.warn("backup " + id + " exists in both format 2 (a tree) and format 3 (a head) at " + where
                        + "; the format 3 backup is used (the format 2 tree stays as it is)");
            }
            return new Choice(id, 3);
        }
        return new Choice(id, 2);
    }

    /** Both formats' ids, oldest first, each once. */
    public static List<String> merged(List<String> format2, List<String> format3) {
        List<String> all = new ArrayList<>(format2);
        for (String id : format3) {
            if (!all.contains(id)) {
                all.add(id);
            }
        }
        all.sort(TargetRepo::compare);
        return all;
    }

    private static String newest(List<String> format2, List<String> format3) {
        List<String> all = merged(format2, format3);
        return all.get(all.size() - 1);
    }

    private static int compare(String a, String b) {
        boolean va = BackupId.isValid(a);
        boolean vb = BackupId.isValid(b);
        if (va != vb) {
            return va ? 1 : -1;
        }
        return va ? BackupId.compare(a, b) : a.compareTo(b);
    }
}
