package dev.owui.backup.provision;

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

    private static int[] locate(String crontab, String marker) {
        String b = begin(marker);
        int start = crontab.startsWith(b) ? 0 : crontab.indexOf("\n" + b);
        if (start < 0) {
            return null;
        }
        if (start > 0 || !crontab.startsWith(b)) {
            start += 1;
        }
        String e = end(marker);
        int stop = crontab.indexOf("\n" + e, start);
        if (stop < 0) {
            // A BEGIN without its END: someone edited it; take the block to the end of the BEGIN line's plan only.
            throw new dev.owui.backup.OwuiException("the crontab has '# BEGIN " + marker + "' but no '# END " + marker + "' line",
                    "repair the block by hand (crontab -e), then run install-cron again");
        }
        return new int[] {start, stop + 1 + e.length()};
    }
}
