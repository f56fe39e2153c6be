package dev.owui.backup.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Backup ids are UTC timestamps in ISO 8601 basic format ({@code 20261126T074802Z}), with a
 * {@code -N} suffix when two backups start in the same second. They sort as strings in time
 * order, carry no colon (SMB and Windows shares refuse it) and read plainly in a file browser.
 */
public final class BackupId {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern PATTERN = Pattern.compile("\\d{8}T\\d{6}Z(-\\d+)?");

    private BackupId() {
    }

    /**
     * The id form of {@code time}'s UTC second. The one definition of the format: restore also
     * stamps the folders it moves aside with it, so they sort and read like backup ids.
     */
    public static String of(Instant time) {
        return FORMAT.format(time);
    }

    /** The start time an id encodes (the same-second suffix is ignored). */
    public static Instant time(String id) {
        return Instant.from(FORMAT.parse(id.substring(0, 16)));
    }

    /**
     * The id for a backup starting at {@code base}'s second: with a suffix above every existing id
     * of that second, so the newest backup always sorts last (after rotation removed "…Z" and
     * only "…Z-2" remains, a new "…Z" would sort first and be the next one rotated away).
     */
    public static String unique(String base, List<String> existing) {
        int highest = 0;
        for (String id : existing) {
            if (id.startsWith(base)) {
                highest = Math.max(highest, id.length() == base.length() ? 1 : suffix(id));
            }
        }
        return highest == 0 ? base : base + "-" + (highest + 1);
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** Orders ids by time, then by same-second suffix, so "…Z-10" sorts after "…Z-9". */
    public static int compare(String a, String b) {
        int c = a.substring(0, 16).compareTo(b.substring(0, 16));
        return c != 0 ? c : Integer.compare(suffix(a), suffix(b));
    }

    private static int suffix(String id) {
        return id.length() > 16 ? Integer.parseInt(id.substring(17)) : 0;
    }
}
