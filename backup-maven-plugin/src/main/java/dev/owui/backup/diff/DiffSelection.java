package dev.owui.backup.diff;

import dev.owui.backup.OwuiException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which two backups a diff compares, from the operator's {@code owui.backupIds}: unset, the two
 * newest; {@code OLD,NEW} (ids or {@code latest}); one id alone, that one against the newest.
 *
 * @param oldId the earlier side ("before")
 * @param newId the later side ("after")
 */
public record DiffSelection(String oldId, String newId) {
    public static final String LATEST = "latest";

    /**
     * @param ids      complete backups of the instance, oldest first
     * @param choice   the operator's owui.backupIds
     * @param where    "instance 'x' at location", for messages
     */
    public static DiffSelection choose(List<String> ids, String choice, String where) {
        if (ids.size() < 2) {
            throw new OwuiException(ids.isEmpty() ? "no backups of " + where + ": nothing to compare"
                    : "only one backup (" + ids.get(0) + ") of " + where + ": nothing to compare it with",
                    "a diff needs two backups: check owui.target and owui.instance (owui:list shows what is there), or take another backup first");
        }
        String newest = ids.get(ids.size() - 1);
        if (choice == null || choice.isBlank()) {
            return new DiffSelection(ids.get(ids.size() - 2), newest);
        }
        String[] parts = choice.split(",", -1);
        if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
            throw new OwuiException("owui.backupIds='" + choice + "' is not OLD,NEW",
                    "name two backups (ids or latest) separated by a comma, one id to compare it with the newest, or leave it unset for the two newest");
        }
        String first = resolve(ids, parts[0].trim(), where);
        if (parts.length == 1) {
            if (first.equals(newest)) {
                throw new OwuiException("owui.backupIds=" + choice + " is the newest backup of " + where + ": nothing newer to compare it with",
                        "name an earlier backup, or two: -Dowui.backupIds=OLD," + newest + " (owui:list shows them)");
            }
            return new DiffSelection(first, newest);
        }
        String second = resolve(ids, parts[1].trim(), where);
        if (first.equals(second)) {
            throw new OwuiException("owui.backupIds=" + choice + " names backup " + first + " twice",
                    "name two different backups (owui:list shows them)");
        }
        return new DiffSelection(first, second);
    }

    /** True when the operator named the later backup first: the diff then shows the way back. */
    public boolean backwards(List<String> ids) {
        return ids.indexOf(oldId) > ids.indexOf(newId);
    }

    private static String resolve(List<String> ids, String id, String where) {
        if (id.equals(LATEST)) {
            return ids.get(ids.size() - 1);
        }
        if (!ids.contains(id)) {
            List<String> last = new ArrayList<>(ids.subList(Math.max(0, ids.size() - 5), ids.size()));
            throw new OwuiException("no backup " + id + " of " + where,
                    "backups there (newest last): " + (ids.size() > 5 ? "…, " : "") + String.join(", ", last) + "; run owui:list for details");
        }
        return id;
    }
}
