package dev.owui.backup.codec;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * What a reader decrypts with: a passphrase (for files encrypted to a passphrase, and to unlock
 * the secret key) and/or a secret key ring as {@code gpg --export-secret-keys} writes it. Never
 * printed.
 */
public final class DecryptionKeys {
    private final char[] passphrase;
    private final PGPSecretKeyRingCollection secretKeys;
    private final Path secretKeyFile;

    private DecryptionKeys(char[] passphrase, PGPSecretKeyRingCollection secretKeys, Path secretKeyFile) {
        this.passphrase = passphrase == null ? null : passphrase.clone();
        this.secretKeys = secretKeys;
        this.secretKeyFile = secretKeyFile;
    }

    /** Either may be null; both null means "no key" (encrypted files then fail with a clear message). */
    public static DecryptionKeys of(char[] passphrase, Path secretKeyRing) {
        if (secretKeyRing == null) {
            return new DecryptionKeys(passphrase, null, null);
        }
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(secretKeyRing))) {
            return new DecryptionKeys(passphrase, new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator()), secretKeyRing);
        } catch (IOException | PGPException e) {
            throw new OwuiException("cannot read the OpenPGP secret key " + secretKeyRing + ": " + e.getMessage(),
                    "export it with `gpg --export-secret-keys --armor <key id> > " + secretKeyRing.getFileName() + "`");
        }
    }

    public static DecryptionKeys none() {
        return new DecryptionKeys(null, null, null);
    }

    public boolean isEmpty() {
        return passphrase == null && secretKeys == null;
    }

    char[] passphrase() {
        return passphrase;
    }

    PGPSecretKeyRingCollection secretKeys() {
        return secretKeys;
    }

    Path secretKeyFile() {
        return secretKeyFile;
    }

    @Override
    public String toString() {
        return "DecryptionKeys[passphrase=" + (passphrase != null) + ", secretKeyRing=" + secretKeyFile + "]";
    }
}
