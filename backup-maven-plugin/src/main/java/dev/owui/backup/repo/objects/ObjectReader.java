package dev.owui.backup.repo.objects;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.store.Hashing;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads objects back: the stored bytes are hashed as they stream in and compared with the
 * object's name when the content ends, so damage is an error naming the object, never content
 * taken silently. The check happens at the end of the stream: a caller that stops early
 * (or fails on the decoded bytes first) gets no verdict.
 */
public final class ObjectReader {
    private final Repository repo;

    public ObjectReader(Repository repo) {
        this.repo = repo;
    }

    /** The decoded content of object {@code name}; its stored hash is checked when the content ends. */
    public InputStream open(String name, String storage, DecryptionKeys keys) {
        return open(name, storage, keys, null);
    }

    /**
     * {@link #open(String, String, DecryptionKeys)} through a local cache of stored bytes (null:
     * none): a whole cached copy spares the request, and one read from the store is kept there.
     * The stored hash is checked against the name either way.
     */
    public InputStream open(String name, String storage, DecryptionKeys keys, ObjectCache cache) {
        String rel = ObjectNames.relativeKey(name);
        String where = repo.where(rel);
        InputStream raw;
        try {
            raw = cache == null ? repo.store().read(repo.key(rel)) : cache.read(name, () -> repo.store().read(repo.key(rel)));
        } catch (java.io.UncheckedIOException e) {
            throw damaged(where, e.getCause());
        }
        MessageDigest sha = Hashing.newSha256();
        DigestInputStream hashed = new DigestInputStream(raw, sha);
        InputStream decoded;
        try {
            decoded = Codec.decode(hashed, storage, keys, where);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw damaged(where, e);
        }
        return new FilterInputStream(decoded) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                int b = guarded(() -> super.read());
                if (b < 0) {
                    check();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = guarded(() -> super.read(b, off, len));
                if (n < 0) {
                    check();
                }
                return n;
            }

            private int guarded(IoCall call) {
                try {
                    return call.run();
                } catch (OwuiException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw damaged(where, e);
                }
            }

            private void check() throws IOException {
                if (checked) {
                    return;
                }
                checked = true;
                byte[] buf = new byte[8192];
                while (hashed.read(buf) >= 0) {
                    // what the decoder left unread still belongs to the object
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(name)) {
                    throw new OwuiException("object " + where + " is damaged: its bytes hash to " + actual + ", not to its name",
                            "run owui:verify to record it; the next backup stores the content again where it still has it");
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    raw.close();
                }
            }
        };
    }

    /** The whole decoded content (small objects: chunks, heads' findings). */
    public byte[] readAll(String name, String storage, DecryptionKeys keys) {
        try (InputStream in = open(name, storage, keys)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw damaged(repo.where(ObjectNames.relativeKey(name)), e);
        }
    }

    private interface IoCall {
        int run() throws IOException;
    }

    private static OwuiException damaged(String where, Exception e) {
        if (e instanceof OwuiException o) {
            return o;
        }
        return new OwuiException("cannot read object " + where + ": " + e.getMessage(),
                "the object is damaged or unreadable; run owui:verify to record it", e);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
