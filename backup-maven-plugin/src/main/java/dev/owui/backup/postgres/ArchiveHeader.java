package dev.owui.backup.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The header pg_dump writes at the start of a custom-format archive and of a directory-format
 * {@code toc.dat}: "PGDMP", the archive version, int and offset sizes, the format, the compression,
 * then the creation time as seven ints (sec, min, hour, mday, mon, year, isdst) in pg_dump's
 * <em>local</em> time.
 *
 * <p>That creation time is the only part of a dump of an unchanged database that differs between
 * two runs (measured on PostgreSQL 15.18: two {@code -Fc} dumps of an unchanged database differ in
 * byte 18 only, the seconds; two {@code -Fd} dumps differ only in {@code toc.dat} at the same
 * place, their table files are identical). pg_dump has no option to fix it, so the capture sets it
 * to 1970-01-01 00:00:00: unchanged databases then give byte-identical dumps, which the backup
 * stores once. The real capture time is in the manifest. pg_restore reads such an archive like any
 * other ({@code pg_restore --list} shows "Archive created at 1970-01-01 00:00:00").
 *
 * <p>Only archive versions this code knows (1.12 to 1.16, pg_dump 9.x to 17) are changed; a newer
 * layout is left as pg_dump wrote it, which costs a new stored dump per backup, never a broken one.
 */
public final class ArchiveHeader {
    /** The fixed creation time: sec, min, hour, mday, mon (0-based), year (since 1900), isdst. */
    private static final int[] EPOCH = {0, 0, 0, 1, 0, 70, 0};

    private ArchiveHeader() {
    }

    /**
     * Sets the creation time of the archive (or toc.dat) at {@code file} to 1970-01-01 00:00:00.
     * Returns false, changing nothing, when the file is not a pg_dump archive of a known version.
     */
    public static boolean normalizeCreationTime(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(64);
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // read up to 64 bytes
            }
            head.flip();
            int at = timeOffset(head);
            if (at < 0) {
                return false;
            }
            int intSize = head.get(8) & 0xff;
            ByteBuffer fixed = ByteBuffer.allocate(EPOCH.length * (1 + intSize));
            for (int v : EPOCH) {
                // pg_dump's WriteInt: a sign byte, then intSize bytes, least significant first.
                fixed.put((byte) 0);
                for (int b = 0; b < intSize; b++) {
                    fixed.put((byte) (b < 4 ? (v >>> (8 * b)) & 0xff : 0));
                }
            }
            fixed.flip();
            ch.write(fixed, at);
            return true;
        }
    }

    /** Where the seven creation-time ints start, or -1 when this is not a header this code knows. */
    static int timeOffset(ByteBuffer head) {
        if (head.limit() < 12) {
            return -1;
        }
        byte[] magic = new byte[5];
        head.get(0, magic);
        if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
            return -1;
        }
        int major = head.get(5) & 0xff;
        int minor = head.get(6) & 0xff;
        int intSize = head.get(8) & 0xff;
        if (major != 1 || minor < 12 || minor > 16 || intSize < 4 || intSize > 8) {
            return -1;
        }
        // 9 offSize, 10 format, then the compression: one byte from 1.15 (pg_dump 16), an int before.
        int at = minor >= 15 ? 12 : 11 + 1 + intSize;
        return head.limit() >= at + 7 * (1 + intSize) ? at : -1;
    }
}
