package dev.owui.backup.catalog;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.Target;
import java.util.ArrayList;
import java.util.List;

/** The backups of one instance at one target, and how an operator names one of them. */
public final class Catalog {
    public static final String ALL = "all";

    private final Target target;
    private final String instance;

    public Catalog(Target target, String instance) {
        this.target = target;
        this.instance = instance;
    }

    /** Complete backup ids, oldest first. */
    public List<String> ids() {
        return target.backups(instance);
    }

    /**
     * Resolves the operator's choice: null or blank means the newest, "all" every backup, else
     * one id that must exist. Fails with the ids that do exist.
     */
    public List<String> select(String choice) {
        List<String> ids = ids();
        if (ids.isEmpty()) {
            List<String> others = target.instances();
            throw new OwuiException("no backups of instance '" + instance + "' at " + target.location(),
                    others.isEmpty() ? "check owui.target; run owui:backup first"
                            : "instances there: " + String.join(", ", others) + " (set owui.instance)");
        }
        if (choice == null || choice.isBlank() || choice.equals("latest")) {
            return List.of(ids.get(ids.size() - 1));
        }
        if (choice.equals(ALL)) {
            return ids;
        }
        if (!ids.contains(choice)) {
            throw new OwuiException("no backup " + choice + " of instance '" + instance + "' at " + target.location(),
                    "backups there (newest last): " + tail(ids) + "; run owui:list for details");
        }
        return List.of(choice);
    }

    public String selectOne(String choice) {
        if (ALL.equals(choice)) {
            throw new OwuiException("owui.backupId=all names several backups", "name one backup id, or leave it unset for the newest");
        }
        return select(choice).get(0);
    }

    public Manifest manifest(String id) {
        return target.manifest(instance, id);
    }

    /** The manifest without its file list, for listings. */
    public Manifest summary(String id) {
        return target.summary(instance, id);
    }

    private static String tail(List<String> ids) {
        List<String> last = new ArrayList<>(ids.subList(Math.max(0, ids.size() - 5), ids.size()));
        return (ids.size() > 5 ? "…, " : "") + String.join(", ", last);
    }
}
