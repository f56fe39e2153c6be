package dev.owui.backup.repo.pages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The two facts of an SQLite file's 100-byte header that page storage needs (sqlite.org/fileformat.html). */
final class SqliteHeader {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private SqliteHeader() {
    }

    /**
     * The page size: the big-endian 2-byte value at offset 16, where 1 means 65536. An image made by
     * the backup API (or a checkpointed copy) has the page size of its database.
     */
    static int pageSize(Path db) throws IOException {
        try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(18);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read the whole header prefix
            }
            if (b.position() < 18) {
                throw new IOException(db + " is too short to be an SQLite database");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (b.get(i) != MAGIC[i]) {
                    throw new IOException(db + " is not an SQLite database (no SQLite header)");
                }
            }
            int raw = ((b.get(16) & 0xff) << 8) | (b.get(17) & 0xff);
            int size = raw == 1 ? 65536 : raw;
            if (size < 512 || size > 65536 || Integer.bitCount(size) != 1) {
                throw new IOException(db + " has an invalid page size in its header: " + raw);
            }
            return size;
        }
    }
}
