package dev.owui.backup.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.format.Storage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our zstd and OpenPGP files against the stock tools: Debian's zstd and gpg. */
class CodecTest {
    private static final String PASS = "correct horse battery staple";
    @TempDir
    Path tmp;
    Gpg gpg;
    Path source;
    byte[] content;

    @BeforeEach
    void setUp() throws Exception {
        gpg = new Gpg(tmp.resolve("gnupg"));
        // Compressible but not trivial: text-like rows with random ids, ~3 MB (several zstd blocks, many OpenPGP partial packets).
        StringBuilder sb = new StringBuilder();
        Random r = new Random(7);
        while (sb.length() < 3_000_000) {
            sb.append("{\"id\":\"").append(Long.toHexString(r.nextLong())).append("\",\"role\":\"user\",\"content\":\"hello number ")
                    .append(r.nextInt(1000)).append("\"}\n");
        }
        content = sb.toString().getBytes(StandardCharsets.UTF_8);
        source = tmp.resolve("chat.json");
        Files.write(source, content);
    }

    @AfterEach
    void tearDown() {
        gpg.close();
    }

    private CodecSettings settings(EncryptionKeys keys) {
        return new CodecSettings(true, 3, keys);
    }

    @Test
    void stockZstdDecompressesWhatWeCompressedAndBothHashesAreRecorded() throws Exception {
        TestSupport.assumeZstd();
        Path stored = tmp.resolve("chat.json.zst");
        Encoded e = Codec.encode(source, stored, Storage.ZSTD, settings(null));
        assertEquals(content.length, e.size());
        assertEquals(TestSupport.sha256(source), e.sha256());
        assertEquals(Files.size(stored), e.storedSize());
        assertEquals(TestSupport.sha256(stored), e.storedSha256());
        assertTrue(e.storedSize() < content.length / 2, "JSON rows compress: " + e.storedSize());
        TestSupport.sh("zstd", "-q", "-d", stored.toString(), "-o", tmp.resolve("out").toString());
        assertArrayEquals(content, Files.readAllBytes(tmp.resolve("out")));
    }

    @Test
    void stockGpgDecryptsWhatWeEncryptedToAPassphraseAndCompressed() throws Exception {
        TestSupport.assumeGpg();
        TestSupport.assumeZstd();
        Path stored = tmp.resolve("chat.json.zst.gpg");
        Encoded e = Codec.encode(source, stored, Storage.ZSTD_PGP, settings(EncryptionKeys.of(PASS.toCharArray(), List.of())));
        assertNotEquals(e.sha256(), e.storedSha256());
        Path zst = tmp.resolve("from-gpg.zst");
        Files.write(zst, gpg.decrypt(stored, PASS));
        TestSupport.sh("zstd", "-q", "-d", zst.toString(), "-o", tmp.resolve("out").toString());
        assertArrayEquals(content, Files.readAllBytes(tmp.resolve("out")));
        assertThrows(Gpg.GpgFailed.class, () -> gpg.decrypt(stored, "wrong"), "gpg refuses a wrong passphrase");
    }

    @Test
    void stockGpgDecryptsWhatWeEncryptedToItsPublicKeyAndWeDecryptWithTheExportedSecretKey() throws Exception {
        gpg.withKeyPair();
        Path pub = gpg.exportPublic(tmp.resolve("recipient.asc"));
        EncryptionKeys keys = EncryptionKeys.of(null, List.of(pub));
        assertEquals(1, keys.recipientFingerprints().size());
        Path stored = tmp.resolve("chat.json.gpg");
        Codec.encode(source, stored, Storage.PGP, settings(keys));
        assertArrayEquals(content, gpg.decrypt(stored, Gpg.KEY_PASSPHRASE));

        Path secret = gpg.exportSecret(tmp.resolve("secret.asc"));
        assertArrayEquals(content, decode(stored, Storage.PGP, DecryptionKeys.of(Gpg.KEY_PASSPHRASE.toCharArray(), secret)));
        OwuiException locked = assertThrows(OwuiException.class,
                () -> decode(stored, Storage.PGP, DecryptionKeys.of("nope".toCharArray(), secret)));
        assertTrue(locked.getMessage().contains("chat.json.gpg") && locked.getMessage().contains("does not unlock the secret key"), locked.getMessage());
        OwuiException noKey = assertThrows(OwuiException.class, () -> decode(stored, Storage.PGP, DecryptionKeys.of(PASS.toCharArray(), null)));
        assertTrue(noKey.getMessage().contains("public keys only"), noKey.getMessage());
    }

    @Test
    void weDecryptWhatGpgEncryptedToAPassphraseOrToAKey() throws Exception {
        Path sym = tmp.resolve("sym.gpg");
        Files.write(sym, gpg.encryptSymmetric(source, PASS));
        assertArrayEquals(content, decode(sym, Storage.PGP, DecryptionKeys.of(PASS.toCharArray(), null)));

        gpg.withKeyPair();
        Path pk = tmp.resolve("pk.gpg");
        Files.write(pk, gpg.encryptTo(source));
        Path secret = gpg.exportSecret(tmp.resolve("secret.asc"));
        assertArrayEquals(content, decode(pk, Storage.PGP, DecryptionKeys.of(Gpg.KEY_PASSPHRASE.toCharArray(), secret)));
    }

    @Test
    void aWrongPassphraseOrNoKeyFailsWithOneLineNamingTheFile() throws Exception {
        Path stored = tmp.resolve("webui.db.zst.gpg");
        Codec.encode(source, stored, Storage.ZSTD_PGP, settings(EncryptionKeys.of(PASS.toCharArray(), List.of())));
        OwuiException wrong = assertThrows(OwuiException.class, () -> decode(stored, Storage.ZSTD_PGP, DecryptionKeys.of("wrong".toCharArray(), null)));
        assertTrue(wrong.getMessage().startsWith("cannot decrypt webui.db.zst.gpg: wrong passphrase"), wrong.getMessage());
        assertTrue(!wrong.getMessage().contains("\n"));
        OwuiException none = assertThrows(OwuiException.class, () -> decode(stored, Storage.ZSTD_PGP, DecryptionKeys.none()));
        assertTrue(none.getMessage().contains("no passphrase or secret key was given"), none.getMessage());
        assertArrayEquals(content, decode(stored, Storage.ZSTD_PGP, DecryptionKeys.of(PASS.toCharArray(), null)));
    }

    @Test
    void alteredCiphertextFailsTheIntegrityCheck() throws Exception {
        Path stored = tmp.resolve("f.gpg");
        Codec.encode(source, stored, Storage.PGP, settings(EncryptionKeys.of(PASS.toCharArray(), List.of())));
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 0x40;
        Files.write(stored, b);
        assertThrows(java.io.IOException.class, () -> decode(stored, Storage.PGP, DecryptionKeys.of(PASS.toCharArray(), null)));
    }

    @Test
    void alreadyCompressedFormatsAreNotCompressedAgainButStillEncrypted() {
        CodecSettings s = settings(EncryptionKeys.of(PASS.toCharArray(), List.of()));
        assertEquals(Storage.PGP, s.storageFor("uploads/abc_photo.JPG"));
        assertEquals(Storage.ZSTD_PGP, s.storageFor("uploads/abc_report.pdf"));
        assertEquals(Storage.ZSTD_PGP, s.storageFor("vector_db/1234/data_level0.bin"));
        assertEquals(Storage.ZSTD, CodecSettings.zstd(3).storageFor("webui.db"));
        assertEquals(Storage.PLAIN, CodecSettings.zstd(3).storageFor("uploads/x.zip"));
    }

    private static byte[] decode(Path stored, String storage, DecryptionKeys keys) throws Exception {
        try (InputStream raw = Files.newInputStream(stored); InputStream in = Codec.decode(raw, storage, keys, stored.getFileName().toString())) {
            return in.readAllBytes();
        }
    }
}
