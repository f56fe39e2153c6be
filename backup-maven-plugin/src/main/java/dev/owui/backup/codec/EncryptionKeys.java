package dev.owui.backup.codec;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * What a backup encrypts to: a passphrase (an OpenPGP SKESK packet) and/or recipients' public
 * keys (one PKESK packet each). Any one of them decrypts. The passphrase is held as a char array
 * and never printed; {@link #toString()} names only the recipients' fingerprints.
 */
public final class EncryptionKeys {
    private final char[] passphrase;
    private final List<PGPPublicKey> recipients;

    private EncryptionKeys(char[] passphrase, List<PGPPublicKey> recipients) {
        if ((passphrase == null || passphrase.length == 0) && recipients.isEmpty()) {
            throw new IllegalArgumentException("encryption needs a passphrase or a recipient");
        }
        this.passphrase = passphrase == null || passphrase.length == 0 ? null : passphrase.clone();
        this.recipients = List.copyOf(recipients);
    }

    /** A passphrase and/or public key files (armored or binary, as {@code gpg --export} writes them). */
    public static EncryptionKeys of(char[] passphrase, List<Path> recipientKeyFiles) {
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Path f : recipientKeyFiles == null ? List.<Path>of() : recipientKeyFiles) {
            keys.add(readEncryptionKey(f));
        }
        return new EncryptionKeys(passphrase, keys);
    }

    char[] passphrase() {
        return passphrase;
    }

    List<PGPPublicKey> recipients() {
        return recipients;
    }

    /** The passphrase as a decryption key: to check that an earlier backup opens with it. */
    public DecryptionKeys passphraseForReading() {
        return passphrase == null ? DecryptionKeys.none() : DecryptionKeys.of(passphrase, null);
    }

    public boolean hasPassphrase() {
        return passphrase != null;
    }

    /** Hex fingerprints of the recipients' encryption keys, for the manifest: which keys can decrypt. */
    public List<String> recipientFingerprints() {
        return recipients.stream().map(k -> HexFormat.of().withUpperCase().formatHex(k.getFingerprint())).sorted().toList();
    }

    /** The first key of the file that may encrypt (an encryption subkey, usually). */
    static PGPPublicKey readEncryptionKey(Path file) {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            for (Iterator<PGPPublicKeyRing> r = rings.getKeyRings(); r.hasNext(); ) {
                for (Iterator<PGPPublicKey> k = r.next().getPublicKeys(); k.hasNext(); ) {
                    PGPPublicKey key = k.next();
                    if (key.isEncryptionKey() && !key.hasRevocation()) {
                        return key;
                    }
                }
            }
        } catch (IOException | PGPException e) {
            throw new OwuiException("cannot read the OpenPGP public key " + file + ": " + e.getMessage(),
                    "export it with `gpg --export --armor <key id> > " + file.getFileName() + "`");
        }
        throw new OwuiException("the OpenPGP key " + file + " has no key that may encrypt",
                "give the public key of a key pair with an encryption subkey (gpg --quick-gen-key makes one)");
    }

    @Override
    public String toString() {
        return "EncryptionKeys[passphrase=" + (passphrase != null) + ", recipients=" + recipientFingerprints() + "]";
    }
}
