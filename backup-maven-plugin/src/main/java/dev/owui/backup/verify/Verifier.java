package dev.owui.backup.verify;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.DamageRecord;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.CountingInputStream;
import dev.owui.backup.report.Progress;
import dev.owui.backup.store.BackupWriter.Stored;
import dev.owui.backup.store.DamageRecords;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Proves stored backups whole: every file read back against its size and SHA-256, SQLite's
 * integrity_check on every database, and the file rows of webui.db checked against the uploads
 * the backup holds. It reports all the damage it finds, not just the first.
 *
 * <p>Compressed and encrypted files are decoded and checked against the SHA-256 of their original
 * content, and their stored bytes against {@code storedSha256} in the same pass. Without any key,
 * encrypted files are checked as stored bytes only (size and {@code storedSha256}) and the result
 * says their content was not decrypted; a key that does not open them fails the whole verify.
 */
public final class Verifier {
    private final EngineLog log;
    private final DecryptionKeys keys;

    public Verifier(EngineLog log) {
        this(log, DecryptionKeys.none());
    }

    public Verifier(EngineLog log, DecryptionKeys keys) {
        this.log = log;
        this.keys = keys == null ? DecryptionKeys.none() : keys;
    }

    /** Verifies the chosen backups (null: newest, "all": every one, else one id). */
    public List<VerifyResult> run(Target target, String instance, String choice) {
        Catalog catalog = new Catalog(target, InstanceNames.check(instance));
        List<VerifyResult> results = new ArrayList<>();
        for (String id : catalog.select(choice)) {
            results.add(verify(target, instance, id));
        }
        record(target, instance, results);
        return results;
    }

    /**
     * Keeps what was found damaged at the target, so the next backup from any host stores that
     * content anew instead of sharing the damaged copy. A target that refuses the record (read-only
     * access) does not fail the verify: the damage is still reported.
     */
    private void record(Target target, String instance, List<VerifyResult> results) {
        List<DamageRecord.Damaged> found = results.stream().flatMap(r -> r.damagedFiles().stream()).toList();
        if (found.isEmpty()) {
            return;
        }
        try {
            String name = DamageRecords.record(target, instance, found);
            log.info("recorded " + found.size() + " damaged file(s) at " + target.location() + "/" + instance + "/" + DamageRecord.DIR + "/" + name
                    + ": the next backup stores their content anew instead of sharing the damaged copies");
        } catch (OwuiException e) {
            log.warn("could not record the damage at " + target.location() + " (" + e.getMessage()
                    + "): the next backup may share the damaged copies; run it with -Dowui.full=true");
        }
    }

    VerifyResult verify(Target target, String instance, String id) {
        List<DamageRecord.Damaged> damaged = new ArrayList<>();
        List<String> damages = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Manifest m;
        try {
            m = target.manifest(instance, id);
        } catch (OwuiException e) {
            damages.add(e.problem());
            return new VerifyResult(id, 0, 0, damages, notes);
        }
        if (dev.owui.backup.codec.Manifests.isEncrypted(m)) {
            if (keys.isEmpty()) {
                return verifyEncryptedManifestOnly(target, instance, m);
            }
            m = dev.owui.backup.codec.Manifests.full(m, target, instance, keys); // a wrong key fails the verify, clearly
        }
        Progress progress = new Progress(log, "verify " + id, m.totals().bytes());
        long files = 0;
        long bytes = 0;
        long storedOnly = 0;
        for (FileEntry e : m.files()) {
            if (!e.hasContent()) {
                continue;
            }
            if (!Storage.isKnown(e.storage())) {
                damages.add(e.path() + ": unknown storage '" + e.storage() + "' (written by a newer tool?)");
                continue;
            }
            if (StoredContent.needsKey(e, keys)) {
                storedOnly++;
                files++;
                bytes += checkStoredBytes(target, instance, id, e, damages, damaged, progress);
                continue;
            }
            StoredHash stored = new StoredHash();
            try (InputStream raw = e.isStoredPlain() ? null : stored.wrap(target.open(instance, id, e.storedPath()));
                 InputStream in = raw == null ? target.open(instance, id, e.path())
                         : dev.owui.backup.codec.Codec.decode(raw, e.storage(), keys, id + "/" + e.storedPath())) {
                Stored s = Hashing.sha256(progress.counting(in));
                if (raw != null) {
                    raw.transferTo(java.io.OutputStream.nullOutputStream()); // the stored hash covers every stored byte
                }
                files++;
                bytes += s.size();
                if (s.size() != e.size() || !s.sha256().equals(e.sha256())) {
                    damage(id, e, s.size() != e.size() ? DamageRecord.SIZE : DamageRecord.SHA256,
                            e.path() + ": content differs from the manifest (size " + s.size() + ", expected " + e.size()
                            + "; SHA-256 " + s.sha256() + ", expected " + e.sha256() + ")", damages, damaged);
                    continue;
                }
                if (raw != null && e.storedSha256() != null && !stored.matches(e)) {
                    damage(id, e, DamageRecord.STORED_SHA256,
                            e.storedPath() + ": stored bytes differ from the manifest's storedSha256 (" + stored.hex() + ")", damages, damaged);
                    continue;
                }
            } catch (NoSuchFileException missing) {
                damage(id, e, DamageRecord.MISSING, e.storedPath() + ": missing", damages, damaged);
                continue;
            } catch (IOException ex) {
                damage(id, e, DamageRecord.UNREADABLE, e.storedPath() + ": unreadable (" + ex.getMessage() + ")", damages, damaged);
                continue;
            }
            if (e.isSqlite()) {
                checkDatabase(target, instance, id, e, m, damages, notes);
            }
        }
        if (storedOnly > 0) {
            notes.add(storedOnly + " encrypted file(s) checked as stored bytes only (size and storedSha256): their content was not decrypted,"
                    + " nor the databases checked; give the passphrase or secret key for a full verify");
        }
        return new VerifyResult(id, files, bytes, damages, notes, List.copyOf(damaged));
    }

    /** One damaged stored copy: reported, and kept for the damage record. */
    private static void damage(String id, FileEntry e, String problem, String line, List<String> damages, List<DamageRecord.Damaged> damaged) {
        damages.add(line);
        damaged.add(new DamageRecord.Damaged(id, e.path(), e.sha256(), e.storedSha256(), problem, line));
    }

    /** Without the key, a backup whose manifest is encrypted: only the encrypted manifest's stored bytes can be checked. */
    private VerifyResult verifyEncryptedManifestOnly(Target target, String instance, Manifest m) {
        List<String> damages = new ArrayList<>();
        String name = m.storage().encryptedManifest();
        long bytes = 0;
        try (InputStream in = target.open(instance, m.backupId(), name)) {
            Stored s = Hashing.sha256(in);
            bytes = s.size();
            if (!s.sha256().equals(m.storage().encryptedManifestSha256())) {
                damages.add(name + ": stored bytes differ from the SHA-256 recorded in manifest.json");
            }
        } catch (NoSuchFileException missing) {
            damages.add(name + ": missing");
        } catch (IOException ex) {
            damages.add(name + ": unreadable (" + ex.getMessage() + ")");
        }
        return new VerifyResult(m.backupId(), 1, bytes, damages, List.of("the manifest is encrypted and no key was given: only "
                + name + " was checked, not the files; give the passphrase or secret key for a full verify"));
    }

    /** Without the key: the stored object against its recorded size and SHA-256. Returns the bytes read. */
    private long checkStoredBytes(Target target, String instance, String id, FileEntry e, List<String> damages,
                                  List<DamageRecord.Damaged> damaged, Progress progress) {
        Progress.Meter meter = progress.file(e.size()); // stored bytes read stand for the file's
        try (InputStream in = CountingInputStream.of(target.open(instance, id, e.storedPath()),
                meter.part(e.storedSize() == null ? e.size() : e.storedSize(), e.size()))) {
            Stored s = Hashing.sha256(in);
            meter.finish(e.size());
            if (e.storedSha256() == null || e.storedSize() == null) {
                damages.add(e.storedPath() + ": the manifest records no storedSha256 to check it against");
            } else if (s.size() != e.storedSize() || !s.sha256().equals(e.storedSha256())) {
                damage(id, e, s.size() != e.storedSize() ? DamageRecord.SIZE : DamageRecord.STORED_SHA256,
                        e.storedPath() + ": stored bytes differ from the manifest (size " + s.size() + ", expected " + e.storedSize()
                        + "; SHA-256 " + s.sha256() + ", expected " + e.storedSha256() + ")", damages, damaged);
            }
            return s.size();
        } catch (NoSuchFileException missing) {
            damage(id, e, DamageRecord.MISSING, e.storedPath() + ": missing", damages, damaged);
        } catch (IOException ex) {
            damage(id, e, DamageRecord.UNREADABLE, e.storedPath() + ": unreadable (" + ex.getMessage() + ")", damages, damaged);
        }
        return 0;
    }

    /** Hashes the stored bytes as the decoder reads them. */
    private static final class StoredHash {
        private final java.security.MessageDigest sha = Hashing.newSha256();
        private long size;

        InputStream wrap(InputStream in) {
            return new java.io.FilterInputStream(new java.security.DigestInputStream(in, sha)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    size += b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    size += Math.max(n, 0);
                    return n;
                }
            };
        }

        String hex;

        boolean matches(FileEntry e) {
            hex = java.util.HexFormat.of().formatHex(sha.digest());
            return hex.equals(e.storedSha256()) && (e.storedSize() == null || e.storedSize() == size);
        }

        String hex() {
            return hex;
        }
    }

    private void checkDatabase(Target target, String instance, String id, FileEntry e, Manifest m, List<String> damages, List<String> notes) {
        Path scratch = null;
        try {
            if (!e.isStoredPlain()) {
                scratch = java.nio.file.Files.createTempFile("owui-verify-", ".db");
            }
            Path db = StoredContent.localFile(target, instance, id, e, keys, scratch);
            for (String problem : SqliteCapture.integrityCheck(db)) {
                damages.add(e.path() + ": integrity_check: " + problem);
            }
            if (e.path().equals(DataDirectory.MAIN_DB)) {
                List<String> uploads = m.files().stream().map(FileEntry::path).filter(p -> p.startsWith(DataDirectory.UPLOADS + "/")).toList();
                InstanceFacts now = InstanceInspector.read(db).crossCheck(uploads);
                if (!now.rowsWithoutFile().isEmpty()) {
                    notes.add(now.rowsWithoutFile().size() + " file row(s) without their upload (" + now.rowsWithoutFile().get(0) + " …)");
                }
                if (!now.filesWithoutRow().isEmpty()) {
                    notes.add(now.filesWithoutRow().size() + " upload(s) without a file row (" + now.filesWithoutRow().get(0) + " …)");
                }
                InstanceFacts recorded = m.openWebUi();
                if (recorded != null && !Objects.equals(recorded.schemaRevision(), now.schemaRevision())) {
                    damages.add("webui.db: schema revision " + now.schemaRevision() + " differs from the manifest's " + recorded.schemaRevision());
                }
            }
        } catch (SQLException | IOException ex) {
            damages.add(e.path() + ": cannot be opened as SQLite (" + ex.getMessage() + ")");
        } finally {
            if (scratch != null) {
                try {
                    java.nio.file.Files.deleteIfExists(scratch);
                } catch (IOException ignored) {
                    // a temp file; the OS cleans its temp directory
                }
            }
        }
    }
}
