package dev.owui.backup.repo.backup;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.store.Hashing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A backup's entries in order, reading one chunk at a time line by line: memory holds one line,
 * whatever the number of entries. Each chunk is checked as it ends: its stored hash (by the
 * object reader), its plain SHA-256 and its entry count against the head.
 */
public final class EntryIterator implements Iterator<Entry>, AutoCloseable {
    private final Repository repo;
    private final BackupHead head;
    private final DecryptionKeys keys;
    private int chunk = -1;
    private InputStream stream;
    private MessageDigest sha;
    private BufferedReader lines;
    private int inChunk;
    private Entry next;
    private String nextLine;
    private String lastLine;

    EntryIterator(Repository repo, BackupHead head, DecryptionKeys keys) {
        this.repo = repo;
        this.head = head;
        this.keys = keys;
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                if (lines != null) {
                    String line = lines.readLine();
                    if (line != null) {
                        inChunk++;
                        next = EntryLines.parse(line);
                        nextLine = line;
                        return true;
                    }
                    endChunk();
                }
                if (chunk + 1 >= head.chunks().size()) {
                    return false;
                }
                chunk++;
                BackupHead.ChunkRef c = head.chunks().get(chunk);
                stream = repo.objectReader().open(c.object(), head.chunkStorage(), keys);
                sha = Hashing.newSha256();
                lines = new BufferedReader(new InputStreamReader(new DigestInputStream(stream, sha), StandardCharsets.UTF_8));
                inChunk = 0;
            }
            return true;
        } catch (IOException e) {
            close();
            throw new OwuiException("cannot read the entries of backup " + head.backupId() + " (chunk " + (chunk + 1) + " of "
                    + head.chunks().size() + "): " + e.getMessage(), "the backup is damaged; run owui:verify and use another backup", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void endChunk() throws IOException {
        BackupHead.ChunkRef c = head.chunks().get(chunk);
        lines.close();
        lines = null;
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(c.sha256()) || inChunk != c.entries()) {
            throw new OwuiException("chunk " + c.object() + " of backup " + head.backupId() + " holds " + inChunk + " entries hashing to "
                    + actual + ", the head says " + c.entries() + " hashing to " + c.sha256(),
                    "the backup is damaged; run owui:verify and use another backup");
        }
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Entry e = next;
        next = null;
        lastLine = nextLine;
        return e;
    }

    /**
     * The JSON line of the entry {@link #next()} returned last, exactly as stored: an unchanged
     * entry goes into the next backup's chunk as these bytes, without being serialised again.
     */
    public String lastLine() {
        return lastLine;
    }

    @Override
    public void close() {
        if (lines != null) {
            try {
                lines.close();
            } catch (IOException ignored) {
                // reading only
            }
            lines = null;
        }
    }
}
