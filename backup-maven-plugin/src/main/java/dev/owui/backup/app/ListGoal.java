package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.config.ListConfig;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** owui:list: the complete backups of the instance at each target, format 1/2 trees and format 3 backups together, newest first. */
public final class ListGoal {
    private final RunContext c;

    ListGoal(RunContext c) {
        this.c = c;
    }

    /**
     * One listed backup.
     *
     * @param backupId   its id
     * @param format     2 for a tree (format 1 or 2: the manifest says which), 3 for a head
     * @param manifest   a tree's manifest summary, or null
     * @param head       a format 3 backup's head, or null
     * @param unreadable why its manifest or head could not be read, or null
     */
    public record Row(String backupId, int format, Manifest manifest, BackupHead head, String unreadable) {
    }

    /**
     * What list found at one target.
     *
     * @param location       where the target is
     * @param rows           the backups, newest first (an id in both formats once per format)
     * @param otherInstances the instances the target holds, when it holds no backup of this one
     * @param incomplete     trees that are not backups (an interrupted run or one in progress)
     */
    public record Listed(String location, List<Row> rows, List<String> otherInstances, List<String> incomplete) {
    }

    PerTarget.Outcomes<Listed> run(ListConfig config, Consumer<PerTarget.Outcome<Listed>> each) {
        List<TargetSpec> specs = Jobs.read(c.plans(), config.targets(), c.targetSpec()).targets();
        return PerTarget.run(c, "list", specs, this::list, null, each);
    }

    private Listed list(TargetSpec spec, Target t) {
        String instance = c.instance();
        Catalog catalog = new Catalog(t, instance);
        List<Row> rows = new ArrayList<>();
        try (ObjectStore store = RepoStores.open(spec, c.targets())) {
            // Never created here: a target with only format 1/2 trees stays as it was.
            Optional<Repository> repo = RepoAtTarget.existing(store, instance, c.format3Cache().resolve("scratch"), c.log());
            // Both formats by id, newest first (an id in both is listed once per format).
            List<String[]> ids = new ArrayList<>();
            catalog.ids().forEach(id -> ids.add(new String[] {id, "2"}));
            RepoAtTarget.ids(repo).forEach(id -> ids.add(new String[] {id, "3"}));
            ids.sort((a, b) -> {
                boolean va = BackupId.isValid(a[0]);
                boolean vb = BackupId.isValid(b[0]);
                int cmp = va && vb ? BackupId.compare(b[0], a[0]) : va != vb ? (va ? -1 : 1) : b[0].compareTo(a[0]);
                return cmp != 0 ? cmp : b[1].compareTo(a[1]);
            });
            for (String[] id : ids) {
                int format = Integer.parseInt(id[1]);
                try {
                    rows.add(format == 3 ? new Row(id[0], 3, null, repo.orElseThrow().backups().head(id[0]), null)
                            : new Row(id[0], 2, catalog.summary(id[0]), null, null));
                } catch (OwuiException e) {
                    rows.add(new Row(id[0], format, null, null, e.problem()));
                }
            }
        }
        List<String> others = rows.isEmpty() ? t.instances() : List.of();
        return new Listed(t.location(), rows, others, t.incomplete(instance));
    }
}
