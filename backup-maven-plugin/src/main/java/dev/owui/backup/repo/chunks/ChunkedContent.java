package dev.owui.backup.repo.chunks;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.store.Hashing;
import java.io.InputStream;
import java.util.List;

/**
 * The decoded content of an entry stored as one object or as pieces ({@link Entry#chunks()}):
 * the pieces are read one at a time in order, each checked against its name (by the object
 * reader), its size and its SHA-256 before any of its bytes are given out. The caller checks the
 * whole against the entry's size and SHA-256, as for a one-object entry.
 */
public final class ChunkedContent {
    private ChunkedContent() {
    }

    /** The content of {@code e}; {@code what} names the entry in errors. */
    public static InputStream open(Repository repo, Entry e, DecryptionKeys keys, String what) {
        if (e.chunks() == null) {
            return repo.objectReader().open(e.object(), e.storage(), keys);
        }
        return new Pieces(repo, e.chunks(), e.storage(), keys, what);
    }

    private static final class Pieces extends InputStream {
        private final Repository repo;
        private final List<Entry.Chunk> chunks;
        private final String storage;
        private final DecryptionKeys keys;
        private final String what;
        private int next;
        private byte[] current = new byte[0];
        private int pos;

        Pieces(Repository repo, List<Entry.Chunk> chunks, String storage, DecryptionKeys keys, String what) {
            this.repo = repo;
            this.chunks = chunks;
            this.storage = storage;
            this.keys = keys;
            this.what = what;
        }

        /** False at the end of the last piece. */
        private boolean ready() {
            while (pos == current.length) {
                if (next == chunks.size()) {
                    return false;
                }
                Entry.Chunk c = chunks.get(next++);
                byte[] b = repo.objectReader().readAll(c.object(), storage, keys);
                String sha = Hashing.sha256Hex(b);
                if (b.length != c.size() || c.sha256() != null && !c.sha256().equals(sha)) {
                    throw new OwuiException(what + ": piece " + next + " of " + chunks.size() + " (object " + c.object() + ") decodes to "
                            + b.length + " bytes with SHA-256 " + sha + ", the entry says " + c.size() + " bytes with " + c.sha256(),
                            "the backup is damaged: run owui:verify with owui.readData=all and restore another backup");
                }
                current = b;
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return ready() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!ready()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
