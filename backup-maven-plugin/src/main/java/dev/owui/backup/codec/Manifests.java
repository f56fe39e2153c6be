package dev.owui.backup.codec;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import dev.owui.backup.format.Storage;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Encrypted manifests. With {@code owui.encryptManifest} the full manifest (whose file list and
 * findings name every upload) is stored encrypted as {@code manifest.json.gpg}, and
 * {@code manifest.json} keeps only a header: format, ids, times, mode, totals, schema revision and
 * counts. That header still makes the tree a complete backup for every reader, with or without
 * the key; the file list needs the key.
 */
public final class Manifests {
    public static final String ENCRYPTED_NAME = Manifest.FILE_NAME + ".gpg";

    private Manifests() {
    }

    public static boolean isEncrypted(Manifest m) {
        return m.storage() != null && m.storage().encryptedManifest() != null;
    }

    /** The header written as manifest.json beside the encrypted full manifest. */
    public static Manifest header(Manifest full, Encoded encrypted) {
        InstanceFacts f = full.openWebUi();
        InstanceFacts facts = f == null ? null : new InstanceFacts(f.schemaRevision(), f.counts(), List.of(), List.of(), List.of());
        return new Manifest(full.format(), Manifest.FORMAT_VERSION, full.toolVersion(), full.instance(), full.backupId(), full.host(),
                full.dataDir(), full.mode(), full.startedAt(), full.finishedAt(), facts, full.totals(),
                full.storage().withEncryptedManifest(ENCRYPTED_NAME, encrypted.storedSha256()), List.of());
    }

    /** The full manifest of a backup: manifest.json itself, or the decrypted manifest.json.gpg it points to. */
    public static Manifest read(Target target, String instance, String backupId, DecryptionKeys keys) {
        return full(target.manifest(instance, backupId), target, instance, keys);
    }

    /** {@code m} itself unless it is the header of an encrypted manifest, else the decrypted full one. */
    public static Manifest full(Manifest m, Target target, String instance, DecryptionKeys keys) {
        if (!isEncrypted(m)) {
            return m;
        }
        String where = target.location() + "/" + instance + "/" + m.backupId() + "/" + m.storage().encryptedManifest();
        if (keys == null || keys.isEmpty()) {
            throw new OwuiException("the manifest of backup " + m.backupId() + " is encrypted (" + m.storage().encryptedManifest() + ")",
                    "give the passphrase (owui.encryption.serverId or owui.passphraseEnv) or the secret key (owui.secretKeyRing)");
        }
        try (InputStream raw = target.open(instance, m.backupId(), m.storage().encryptedManifest());
             InputStream in = Codec.decode(raw, Storage.PGP, keys, m.backupId() + "/" + m.storage().encryptedManifest())) {
            Manifest full = ManifestCodec.read(in, where);
            if (!m.backupId().equals(full.backupId())) {
                throw new OwuiException(where + " belongs to backup " + full.backupId() + ", not " + m.backupId(),
                        "the backup is damaged; use another backup");
            }
            return full;
        } catch (IOException e) {
            throw new OwuiException("cannot read the encrypted manifest " + where + ": " + e.getMessage(),
                    "the backup is damaged; verify it and use another backup", e);
        }
    }
}
