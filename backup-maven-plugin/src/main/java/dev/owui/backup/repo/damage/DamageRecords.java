package dev.owui.backup.repo.damage;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.Encoded;
import dev.owui.backup.format.Storage;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.store.NoSuchObjectException;
import dev.owui.backup.repo.store.StoreStat;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Damage records of format 3, and the repair of a plain or zstd object in place. */
public final class DamageRecords {
    public static final String DIR = "damage/";

    private final Repository repo;

    public DamageRecords(Repository repo) {
        this.repo = repo;
    }

    /** Writes a record of {@code damaged}; readers take no lock, and a record's name is unique. */
    public DamageRecord record(List<DamageRecord.Damaged> damaged) {
        String id = UUID.randomUUID().toString();
        DamageRecord r = new DamageRecord(DamageRecord.FORMAT, DamageRecord.FORMAT_VERSION, id, Instant.now(), host(), List.copyOf(damaged));
        repo.store().writeIfAbsent(repo.key(DIR + id + ".json"), RepoJson.bytes(r));
        return r;
    }

    public List<DamageRecord> list() {
        List<DamageRecord> out = new ArrayList<>();
        for (StoreStat s : repo.store().listAll(repo.key(DIR))) {
            if (!s.key().endsWith(".json")) {
                continue;
            }
            try {
                out.add(RepoJson.read(repo.store().read(s.key()), DamageRecord.class, repo.store().location() + "/" + s.key()));
            } catch (NoSuchObjectException gone) {
                // dropped by a verify meanwhile
            }
        }
        return out;
    }

    /** Every object name any record holds: what a backup must not reuse. */
    public Set<String> damagedNames() {
        Set<String> names = new TreeSet<>();
        for (DamageRecord r : list()) {
            for (DamageRecord.Damaged d : r.objects()) {
                names.add(d.object());
            }
        }
        return names;
    }

    /** Drops a record (a verify read all it names intact). */
    public void drop(String id) {
        repo.store().delete(repo.key(DIR + id + ".json"));
    }

    /**
     * Replaces the damaged object {@code name} by {@code content} encoded as {@code storage}
     * (plain or zstd only: their name is their content's hash, so the repaired object mends every
     * backup that names it). Fails, changing nothing, when the encoding does not give {@code name}
     * (other content, or zstd at another level). Delete, then write: no store replaces in place.
     */
    public void repairObject(RepoLock lock, String name, Path content, String storage, CodecSettings settings) {
        if (Storage.isEncrypted(storage)) {
            throw new IllegalArgumentException("an encrypted object's name is not its content's: it cannot be repaired in place");
        }
        String rel = ObjectNames.relativeKey(name);
        Path temp = null;
        try {
            Files.createDirectories(repo.scratch());
            temp = Files.createTempFile(repo.scratch(), "owui-repair-", ".tmp");
            Encoded e;
            try (InputStream in = Files.newInputStream(content)) {
                e = Codec.encode(in, temp, storage, settings, "content");
            }
            if (!e.storedSha256().equals(name)) {
                throw new OwuiException("cannot repair " + repo.where(rel) + " from " + content + ": stored as " + storage
                        + " it would be " + e.storedSha256(), "the content differs (or was stored at another zstd level); "
                        + "the next backup stores it under its own name");
            }
            lock.checkExclusive("repairing object " + name);
            repo.store().delete(repo.key(rel));
            if (!repo.store().writeIfAbsent(repo.key(rel), temp)) {
                throw new OwuiException("object " + repo.where(rel) + " reappeared while it was repaired", "run the repair again");
            }
        } catch (IOException e) {
            throw new OwuiException("cannot encode " + content + " to repair " + name + ": " + e.getMessage(), "check the local disk", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover in the temp folder
                }
            }
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
