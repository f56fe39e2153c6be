package dev.owui.backup.repo.prune;

import java.util.List;

/**
 * What a prune did.
 *
 * @param forgotten      ids of the backups whose heads it deleted
 * @param kept           backups that remain
 * @param objectsKept    objects still referenced
 * @param objectsDeleted unreferenced objects deleted
 * @param bytesFreed     their stored sizes (from the listing)
 * @param tempsRemoved   temp files and unfinished uploads of killed writes removed
 */
public record PruneReport(List<String> forgotten, int kept, long objectsKept, long objectsDeleted, long bytesFreed, int tempsRemoved) {
}
