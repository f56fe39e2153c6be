package dev.owui.backup.diff;

import java.time.Instant;
import java.util.List;

/**
 * What changed from one backup to a later one, as {@link BackupDiff} found it: the counts of every
 * category, and per category the first {@code limit} entries in path order (the rest only
 * counted, so a diff after a million-file restore stays small). Kept plain for a JSON report.
 *
 * @param location  the target
 * @param instance  the instance at the target
 * @param oldId     the earlier backup (what "before" means)
 * @param newId     the later backup
 * @param oldStarted when {@code oldId} started
 * @param newStarted when {@code newId} started
 * @param files     counts and bytes of the file changes
 * @param added     files only in the new backup (size after)
 * @param removed   files only in the old backup (size before)
 * @param changed   files whose content differs (size, SHA-256, symlink target or type)
 * @param modeChanged files with the same content and another mode
 * @param touched   files with the same content and mode, only a new modification time
 * @param folders   folder counts, or null when either manifest records no folders (older versions)
 * @param folderChanges folders added, removed or with another mode, first {@code limit}
 * @param tables    row counts per table, users, chats, messages, files, knowledge first
 * @param schemaBefore Alembic revision of the old backup's webui.db (null: none recorded)
 * @param schemaAfter  the new backup's
 * @param findings  file rows against uploads, before and after
 * @param limit     how many entries per category were kept (0: none)
 */
public record DiffResult(String location, String instance, String oldId, String newId, Instant oldStarted, Instant newStarted,
                         FileCounts files, List<FileChange> added, List<FileChange> removed, List<FileChange> changed,
                         List<FileChange> modeChanged, List<FileChange> touched, FolderCounts folders,
                         List<FolderChange> folderChanges, List<TableCount> tables, String schemaBefore, String schemaAfter,
                         List<TableCount> findings, int limit) {

    /**
     * @param added, removed, changed, modeChanged, touched, unchanged  files per category
     * @param bytesAdded    sizes of the added files
     * @param bytesRemoved  sizes of the removed files
     * @param changedBefore sizes of the changed files in the old backup
     * @param changedAfter  and in the new one
     * @param bytesBefore   all files of the old backup
     * @param bytesAfter    all files of the new backup
     */
    public record FileCounts(long added, long removed, long changed, long modeChanged, long touched, long unchanged,
                             long bytesAdded, long bytesRemoved, long changedBefore, long changedAfter,
                             long bytesBefore, long bytesAfter) {
        public long delta() {
            return bytesAfter - bytesBefore;
        }

        /** True when no file differs at all, times included. */
        public boolean none() {
            return added + removed + changed + modeChanged + touched == 0;
        }
    }

    /**
     * One file that differs; sizes and modes are null on the side that lacks the file.
     *
     * @param what  what differs, for the changed category: "content", "type file → symlink", "link target"; else null
     */
    public record FileChange(String path, String type, Long sizeBefore, Long sizeAfter, String modeBefore, String modeAfter,
                             String what) {
        public long delta() {
            return (sizeAfter == null ? 0 : sizeAfter) - (sizeBefore == null ? 0 : sizeBefore);
        }
    }

    public record FolderCounts(long added, long removed, long modeChanged, long unchanged) {
    }

    /** @param change "added", "removed" or "mode" */
    public record FolderChange(String path, String change, String modeBefore, String modeAfter) {
    }

    /** A count before and after; null where the backup recorded none. */
    public record TableCount(String name, Long before, Long after) {
        public Long delta() {
            return before == null || after == null ? null : after - before;
        }
    }
}
