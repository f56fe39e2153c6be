package dev.owui.backup.capture;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.codec.Gpg;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.restore.RestoreOptions;
import dev.owui.backup.restore.RestoreRunner;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups stored per file with zstd and OpenPGP: round trip, reuse, and stock tools on the tree. */
class EncryptedBackupTest {
    private static final String PASS = "s3cret passphrase";
    @TempDir
    Path tmp;
    Gpg gpg;
    Fixture f;
    LocalTarget target;

    @BeforeEach
    void setUp() throws Exception {
        gpg = new Gpg(tmp.resolve("gnupg"));
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        target = TestSupport.target(tmp.resolve("backups"));
    }

    @AfterEach
    void tearDown() {
        gpg.close();
    }

    private Manifest backup(CodecSettings codec) {
        return new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target).withCodec(codec)).manifest();
    }

    private CodecSettings zstdPgp() {
        return CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of()));
    }

    private Path dir(Manifest m) {
        return target.root().resolve("test").resolve(m.backupId());
    }

    @Test
    void zstdPlusPgpBackupVerifiesRestoresAndStockToolsOpenEveryFile() throws Exception {
        TestSupport.assumeGpg();
        TestSupport.assumeZstd();
        Manifest m = backup(zstdPgp());
        assertEquals(Manifest.FORMAT_VERSION, m.formatVersion());
        assertTrue(m.storage().encrypted());
        assertEquals("zstd-3+pgp", m.storage().describe());
        FileEntry db = m.files().stream().filter(e -> e.path().equals("webui.db")).findFirst().orElseThrow();
        assertEquals(Storage.ZSTD_PGP, db.storage());
        assertEquals("webui.db.zst.gpg", db.storedPath());
        Path stored = dir(m).resolve(db.storedPath());
        assertFalse(Files.exists(dir(m).resolve("webui.db")), "no plaintext copy in the tree");
        assertEquals(Files.size(stored), db.storedSize());
        assertEquals(sha256(stored), db.storedSha256());

        // Stock tools: gpg --decrypt | zstd -d gives back the database that the manifest describes.
        Path zst = tmp.resolve("webui.db.zst");
        Files.write(zst, gpg.decrypt(stored, PASS));
        TestSupport.sh("zstd", "-q", "-d", zst.toString(), "-o", tmp.resolve("webui.db").toString());
        assertEquals(db.sha256(), sha256(tmp.resolve("webui.db")));
        assertEquals(f.users(), TestSupport.queryLong(tmp.resolve("webui.db"), "SELECT count(*) FROM user"));

        // Images are not compressed again, only encrypted.
        m.files().stream().filter(e -> e.path().toLowerCase().endsWith(".png") || e.path().toLowerCase().endsWith(".jpg"))
                .forEach(e -> assertEquals(Storage.PGP, e.storage(), e.path()));

        // verify with the passphrase: every file decoded and checked, databases included.
        VerifyResult full = new Verifier(new RecordingLog(), DecryptionKeys.of(PASS.toCharArray(), null)).run(target, "test", null).get(0);
        assertTrue(full.whole(), full.damages().toString());
        assertTrue(full.notes().stream().noneMatch(n -> n.contains("not decrypted")), full.notes().toString());
        // verify without a key: stored bytes only, and it says so.
        VerifyResult blind = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertTrue(blind.whole(), blind.damages().toString());
        assertTrue(blind.notes().stream().anyMatch(n -> n.contains("content was not decrypted")), blind.notes().toString());

        // restore: every file decoded and checked against its SHA-256.
        Path into = tmp.resolve("restored");
        new RestoreRunner(new RecordingLog()).run(new RestoreOptions(target, "test", null, into, false, null, DecryptionKeys.of(PASS.toCharArray(), null)));
        for (FileEntry e : m.files()) {
            if (e.type().equals(FileEntry.FILE)) {
                assertEquals(e.sha256(), sha256(into.resolve(e.path())), e.path());
            }
        }
        assertEquals(f.users(), TestSupport.queryLong(into.resolve("webui.db"), "SELECT count(*) FROM user"));
    }

    @Test
    void aWrongPassphraseOrNoKeyFailsRestoreAndVerifyNamingTheFileAndChangesNothing() throws Exception {
        backup(zstdPgp());
        Path into = tmp.resolve("restored");
        OwuiException wrong = assertThrows(OwuiException.class, () -> new RestoreRunner(new RecordingLog())
                .run(new RestoreOptions(target, "test", null, into, false, null, DecryptionKeys.of("wrong".toCharArray(), null))));
        assertTrue(wrong.getMessage().startsWith("cannot decrypt ") && wrong.getMessage().contains(".zst.gpg: wrong passphrase"), wrong.getMessage());
        assertFalse(Files.exists(into.resolve("webui.db")));
        OwuiException none = assertThrows(OwuiException.class, () -> new RestoreRunner(new RecordingLog())
                .run(new RestoreOptions(target, "test", null, into, false, null)));
        assertTrue(none.getMessage().contains("is encrypted") && none.getMessage().contains("owui.passphraseEnv"), none.getMessage());
        OwuiException verify = assertThrows(OwuiException.class,
                () -> new Verifier(new RecordingLog(), DecryptionKeys.of("wrong".toCharArray(), null)).run(target, "test", null));
        assertTrue(verify.getMessage().contains("wrong passphrase"), verify.getMessage());
    }

    @Test
    void aSecondEncryptedBackupWritesOnlyTheChangedFilesAndLinksTheRest() throws Exception {
        Manifest first = backup(zstdPgp());
        Mutator.Change change = Mutator.change(f.dataDir(), 5, 7);
        Manifest second = backup(zstdPgp());
        Set<String> changed = Set.copyOf(change.modifiedFiles());
        int shared = 0;
        for (FileEntry e : second.files()) {
            if (e.type().equals(FileEntry.FILE) && !change.addedFiles().contains(e.path()) && !changed.contains(e.path())) {
                assertEquals(first.backupId(), e.reusedFrom(), e.path());
                assertEquals(inode(dir(first).resolve(e.storedPath())), inode(dir(second).resolve(e.storedPath())), e.path());
                shared++;
            }
        }
        assertTrue(shared > 10);
        for (String added : change.addedFiles()) {
            FileEntry e = second.files().stream().filter(x -> x.path().equals(added)).findFirst().orElseThrow();
            assertNull(e.reusedFrom(), added);
        }
        long changedBytes = second.files().stream()
                .filter(e -> change.addedFiles().contains(e.path()) || changed.contains(e.path()))
                .mapToLong(FileEntry::size).sum();
        assertEquals(changedBytes, second.totals().bytesWritten(), "exactly what changed is written");
    }

    @Test
    void changingTheStorageSettingsStoresFilesAnewRatherThanMixingKeys() throws Exception {
        Manifest plain = backup(CodecSettings.plain());
        assertEquals(Manifest.FORMAT_VERSION_PLAIN, plain.formatVersion(), "an all-plain backup stays readable by version-1 readers");
        assertNull(plain.storage());
        Manifest encrypted = backup(zstdPgp());
        assertTrue(encrypted.files().stream().filter(FileEntry::hasContent).allMatch(e -> e.reusedFrom() == null), "nothing shared across storages");
        Manifest otherPass = backup(CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of("another".toCharArray(), List.of())));
        // Same storage names, other keys: a file shared from the earlier backup would not open with this one's key.
        assertTrue(otherPass.files().stream().filter(FileEntry::hasContent).allMatch(e -> e.reusedFrom() == null));
        Manifest again = backup(CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of("another".toCharArray(), List.of())));
        assertTrue(again.files().stream().filter(e -> e.type().equals(FileEntry.FILE)).allMatch(e -> otherPass.backupId().equals(e.reusedFrom())));
        assertNotNull(again.storage());
    }

    @Test
    void aBackupEncryptedToAPublicKeyRestoresWithTheExportedSecretKey() throws Exception {
        gpg.withKeyPair();
        Path pub = gpg.exportPublic(tmp.resolve("ops.asc"));
        Manifest m = backup(CodecSettings.plain().encryptedTo(EncryptionKeys.of(null, List.of(pub))));
        assertEquals(1, m.storage().recipients().size());
        assertFalse(m.storage().passphrase());
        FileEntry db = m.files().stream().filter(e -> e.path().equals("webui.db")).findFirst().orElseThrow();
        assertEquals("webui.db.gpg", db.storedPath());
        byte[] byGpg = gpg.decrypt(dir(m).resolve(db.storedPath()), Gpg.KEY_PASSPHRASE);
        assertEquals(db.sha256(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(byGpg)));

        Path secret = gpg.exportSecret(tmp.resolve("ops-secret.asc"));
        Path into = tmp.resolve("restored");
        new RestoreRunner(new RecordingLog()).run(new RestoreOptions(target, "test", null, into, false, null,
                DecryptionKeys.of(Gpg.KEY_PASSPHRASE.toCharArray(), secret)));
        assertArrayEquals(Files.readAllBytes(f.dataDir().resolve(f.uploads().get(0))), Files.readAllBytes(into.resolve(f.uploads().get(0))));
    }

    @Test
    void anEncryptedManifestHidesUploadNamesYetTheBackupStaysCompleteAndRestorable() throws Exception {
        CodecSettings codec = zstdPgp().withEncryptedManifest();
        Manifest full = backup(codec);
        Path plainManifest = dir(full).resolve("manifest.json");
        String header = Files.readString(plainManifest);
        String upload = f.uploads().get(0);
        String uploadName = upload.substring(upload.indexOf('_') + 1);
        assertFalse(header.contains(uploadName), "no upload name in the readable manifest");
        assertTrue(Files.readString(dir(full).resolve(upload + ".zst.gpg"), java.nio.charset.StandardCharsets.ISO_8859_1).length() > 0);

        // Without the key: the backup is listed as complete, its header readable.
        assertEquals(List.of(full.backupId()), target.backups("test"));
        Manifest summary = target.summary("test", full.backupId());
        assertEquals(full.totals(), summary.totals());
        assertEquals("zstd-3+pgp, manifest encrypted", summary.storage().describe());
        VerifyResult blind = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertTrue(blind.whole() && blind.notes().get(0).contains("the manifest is encrypted and no key was given"), blind.notes().toString());
        assertThrows(OwuiException.class, () -> new RestoreRunner(new RecordingLog())
                .run(new RestoreOptions(target, "test", null, tmp.resolve("nokey"), false, null)));

        // Stock gpg opens the full manifest.
        String fullJson = new String(gpg.decrypt(dir(full).resolve("manifest.json.gpg"), PASS), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(fullJson.contains(uploadName));

        // With the key: full verify and restore; and the next backup still shares unchanged files.
        DecryptionKeys keys = DecryptionKeys.of(PASS.toCharArray(), null);
        VerifyResult v = new Verifier(new RecordingLog(), keys).run(target, "test", null).get(0);
        assertTrue(v.whole() && v.files() == full.files().stream().filter(FileEntry::hasContent).count(), v.toString());
        Path into = tmp.resolve("restored");
        new RestoreRunner(new RecordingLog()).run(new RestoreOptions(target, "test", null, into, false, null, keys));
        assertEquals(sha256(f.dataDir().resolve(upload)), sha256(into.resolve(upload)));
        Manifest second = backup(codec);
        assertTrue(second.files().stream().filter(e -> e.type().equals(FileEntry.FILE)).allMatch(e -> full.backupId().equals(e.reusedFrom())));
    }
}
