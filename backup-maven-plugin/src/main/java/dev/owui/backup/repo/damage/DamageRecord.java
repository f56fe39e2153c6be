package dev.owui.backup.repo.damage;

import java.time.Instant;
import java.util.List;

/**
 * {@code damage/<uuid>.json}: what one verify found damaged. Every backup reads these first and
 * never reuses a named object; a record is dropped once a verify reads every object it names intact.
 *
 * @param id      the record's UUID (its key's name)
 * @param found   when the verify found it
 * @param host    where the verify ran
 * @param objects the damaged objects and what led to them
 */
public record DamageRecord(String format, int formatVersion, String id, Instant found, String host, List<Damaged> objects) {
    public static final String FORMAT = "owui-damage";
    public static final int FORMAT_VERSION = 3;

    /**
     * @param object the damaged object's name
     * @param backup a backup naming it (null when found by the object alone)
     * @param path   the entry's path in that backup (null for a chunk)
     * @param reason what was wrong ("hash mismatch", "missing", "size 10 ≠ 12")
     */
    public record Damaged(String object, String backup, String path, String reason) {
    }
}
