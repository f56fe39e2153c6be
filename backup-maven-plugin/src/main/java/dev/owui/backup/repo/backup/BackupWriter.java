package dev.owui.backup.repo.backup;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.Zstd;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.EntryChunker;
import dev.owui.backup.repo.objects.ObjectCache;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.objects.ObjectWriter;
import dev.owui.backup.store.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes one backup's manifest: entries (fed in PathOrder) are cut into chunks, each chunk is
 * stored as an object, then the head is written with write-if-absent, after checking that the
 * lock is still ours. Contents' objects must be stored before their entries are added; so the
 * order of writes is objects, chunks, head (FORMAT.md, "Order of writes and crash safety").
 *
 * <p>A chunk whose JSON Lines equal one of the previous backup's chunks (same plain SHA-256, same
 * encoding) takes that chunk's object without a request: this is how encrypted chunks, whose
 * object names differ at every write, are reused. Others are put, and a zstd chunk written
 * before gets its old name, so it is not uploaded again either.
 */
public final class BackupWriter {
    /** Chunks use one fixed level so their names do not change with owui.zstdLevel. */
    static final int CHUNK_LEVEL = Zstd.DEFAULT_LEVEL;

    private final Repository repo;
    private final RepoLock lock;
    private final CodecSettings chunkSettings;
    private final String chunkStorage;
    private final Map<String, BackupHead.ChunkRef> previous = new HashMap<>();
    private final ObjectWriter objects;
    private final List<BackupHead.ChunkRef> chunks = new ArrayList<>();
    private final EntryChunker chunker;
    private long chunksReused;
    private boolean finished;

    /**
     * @param previous the previous backup's head (null: none), whose chunks may be reused
     * @param damaged  object names recorded damaged: never reused
     */
    BackupWriter(Repository repo, RepoLock lock, CodecSettings settings, Manifest.StorageSettings storage, BackupHead previous,
                 Set<String> damaged) {
        lock.checkExclusive("writing a backup");
        this.repo = repo;
        this.lock = lock;
        boolean encrypt = settings.encryptManifest();
        this.chunkSettings = new CodecSettings(true, CHUNK_LEVEL, encrypt ? settings.encryption() : null, encrypt);
        this.chunkStorage = Storage.of(true, encrypt);
        this.objects = repo.objectWriter();
        if (previous != null && chunkStorage.equals(previous.chunkStorage())
                && Manifest.StorageSettings.sameEncryption(previous.storage(), storage) && previous.chunks() != null) {
            for (BackupHead.ChunkRef c : previous.chunks()) {
                if (!damaged.contains(c.object())) {
                    this.previous.put(c.sha256(), c);
                }
            }
        }
        this.chunker = new EntryChunker(this::storeChunk);
    }

    private ObjectCache chunkCache;

    private void storeChunk(byte[] jsonLines, int entries, String first) {
        String sha = HexFormat.of().formatHex(Hashing.newSha256().digest(jsonLines));
        BackupHead.ChunkRef old = previous.get(sha);
        if (old != null && old.entries() == entries && Objects.equals(old.first(), first)) {
            chunks.add(old);
            chunksReused++;
            return;
        }
        ObjectRef ref = objects.put(jsonLines, chunkStorage, chunkSettings, "entry chunk", chunkCache);
        if (!ref.uploaded()) {
            chunksReused++;
        }
        chunks.add(new BackupHead.ChunkRef(ref.name(), sha, entries, first));
    }

    /** Keeps the chunks this writer stores in {@code cache} too, for the next backup to read without a request. */
    public BackupWriter cacheChunksIn(ObjectCache cache) {
        this.chunkCache = cache;
        return this;
    }

    /** Adds the next entry (in PathOrder); the objects it names must already be stored. */
    public void add(Entry e) {
        add(e, null);
    }

    /**
     * {@link #add(Entry)} with the entry's JSON line when it is known: an entry taken unchanged
     * from the previous backup ({@link EntryIterator#lastLine()}) is written as it was read.
     */
    public void add(Entry e, String json) {
        try {
            chunker.add(e.path(), json != null ? json : RepoJson.line(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Stores the last chunk and writes the head: {@code facts} with the chunks filled in. With an
     * encrypted manifest the findings (which name uploads) go into an encrypted object.
     */
    public BackupHead finish(BackupHead facts) {
        if (finished) {
            throw new IllegalStateException("finished twice");
        }
        finished = true;
        try {
            chunker.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String findings = null;
        InstanceFacts f = facts.openWebUi();
        BackupHead head = facts;
        if (chunkSettings.encryptManifest() && f != null) {
            findings = objects.put(RepoJson.bytes(f), chunkStorage, chunkSettings, "findings").name();
            head = new BackupHead(facts.format(), facts.formatVersion(), facts.toolVersion(), facts.instance(), facts.backupId(),
                    facts.host(), facts.dataDir(), facts.mode(), facts.startedAt(), facts.finishedAt(),
                    new InstanceFacts(f.schemaRevision(), f.counts(), null, null, null), facts.totals(), facts.storage(), null, null, List.of(),
                    facts.postgres());
        }
        head = head.withChunks(chunkStorage, chunks, findings);
        String rel = Backups.headKey(head.backupId());
        lock.checkExclusive("writing the head of backup " + head.backupId());
        if (!repo.store().writeIfAbsent(repo.key(rel), RepoJson.bytes(head))) {
            throw new OwuiException("backup " + head.backupId() + " already exists at " + repo.where(rel),
                    "backup ids are times to the second: wait a second and run the backup again");
        }
        return head;
    }

    public long chunksWritten() {
        return chunks.size() - chunksReused;
    }

    public long chunksReused() {
        return chunksReused;
    }

    /** The writer of contents' objects this backup uses (its counts include the chunks). */
    public ObjectWriter objects() {
        return objects;
    }
}
