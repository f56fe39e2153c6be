package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;

/**
 * A crontab's text with install-cron's marked blocks ({@code # BEGIN owui backup <plan>} …
 * {@code # END owui backup <plan>}) replaced, added or removed, every other byte kept as it was.
 */
final class CrontabBlocks {
    private CrontabBlocks() {
    }

    static String begin(String marker) {
        return "# BEGIN " + marker + "\n";
    }

    static String end(String marker) {
        return "# END " + marker + "\n";
    }

    /** The block currently installed for {@code marker} (BEGIN to END line, inclusive), or null. */
    static String find(String crontab, String marker) {
        int[] at = locate(crontab, marker);
        return at == null ? null : crontab.substring(at[0], at[1]);
    }

    /** {@code crontab} with the marker's block replaced by {@code block}, or appended when it has none. */
    static String put(String crontab, String marker, String block) {
        int[] at = locate(crontab, marker);
        if (at != null) {
            return crontab.substring(0, at[0]) + block + crontab.substring(at[1]);
        }
        String base = crontab.isEmpty() || crontab.endsWith("\n") ? crontab : crontab + "\n"; // crontab needs whole lines
        return base + block;
    }

    /** {@code crontab} without the marker's block (nothing else changes). */
    static String remove(String crontab, String marker) {
        int[] at = locate(crontab, marker);
        return at == null ? crontab : crontab.substring(0, at[0]) + crontab.substring(at[1]);
    }

    /** [start, end) of the marker's block, BEGIN line to END line inclusive, or null when there is none. */
    private static int[] locate(String crontab, String marker) {
        String b = begin(marker);
        int start;
        if (crontab.startsWith(b)) {
            start = 0;
        } else {
            int at = crontab.indexOf("\n" + b);
            if (at < 0) {
                return null;
            }
            start = at + 1; // the BEGIN line starts after that newline
        }
        String e = end(marker);
        int stop = crontab.indexOf("\n" + e, start);
        if (stop < 0) {
            // Someone cut the block by hand: guessing where it ends could delete the user's own lines.
            throw new OwuiException("the crontab has '# BEGIN " + marker + "' but no '# END " + marker + "' line",
                    "repair the block by hand (crontab -e), then run install-cron again");
        }
        return new int[] {start, stop + 1 + e.length()};
    }
}
