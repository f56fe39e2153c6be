package dev.owui.backup.codec;

import dev.owui.backup.OwuiException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * OpenPGP messages (RFC 4880) with BouncyCastle's lightweight API (no JCE provider to register):
 * AES-256, integrity-protected (SEIPD with MDC), one literal data packet, binary, streamed. Stock
 * {@code gpg --decrypt} reads what {@link #encrypt} writes, and {@link #decrypt} reads what gpg
 * writes (plain, with ZIP/ZLIB/BZIP2 compression, armored or not).
 */
public final class Pgp {
    private static final int PACKET_BUFFER = 1 << 16;
    /**
     * Packet buffers, two per thread (encrypted and literal packet): a backup encrypts thousands
     * of files one after the other on each worker thread, and fresh 64 KiB buffers for each would
     * only grow the heap. A buffer is used only while its message is being written.
     */
    private static final ThreadLocal<byte[][]> PACKET_BUFFERS = ThreadLocal.withInitial(() -> new byte[][] {
        new byte[PACKET_BUFFER], new byte[PACKET_BUFFER]});
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PGPDigestCalculatorProvider JDK_DIGESTS = jdkDigests();

    private Pgp() {
    }

    private static PGPDigestCalculatorProvider jdkDigests() {
        try {
            return new JcaPGPDigestCalculatorProviderBuilder().build();
        } catch (PGPException e) {
            throw new IllegalStateException("the JDK's message digests are unavailable", e);
        }
    }

    /**
     * Wraps {@code out}: what is written is encrypted; closing finishes the message and closes
     * {@code out}. {@code name} is the literal packet's file name (what {@code gpg --use-embedded-filename} would use).
     */
    public static OutputStream encrypt(OutputStream out, EncryptionKeys keys, String name) throws IOException {
        // The bulk cipher and the MDC's SHA-1 through the JDK's JCA (intrinsics: several times
        // BouncyCastle's pure-Java AES and SHA-1); the session key packets through BouncyCastle's own code.
        PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(new JdkDigestEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, RANDOM));
        if (keys.hasPassphrase()) {
            // S2K (iterated and salted, a fresh salt per file) with the JDK's SHA-256: a quarter of the
            // per-file cost of BouncyCastle's default SHA-1 in pure Java (bench/README.md).
            try {
                gen.addMethod(new JcePBEKeyEncryptionMethodGenerator(keys.passphrase(), JDK_DIGESTS.get(HashAlgorithmTags.SHA256))
                        .setSecureRandom(RANDOM));
            } catch (PGPException e) {
                throw new IOException("the JDK has no SHA-256 for OpenPGP's S2K: " + e.getMessage(), e);
            }
        }
        for (PGPPublicKey k : keys.recipients()) {
            gen.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(k).setSecureRandom(RANDOM));
        }
        OutputStream encrypted;
        try {
            encrypted = gen.open(out, PACKET_BUFFERS.get()[0]);
        } catch (PGPException e) {
            throw new IOException("cannot start OpenPGP encryption: " + e.getMessage(), e);
        }
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        OutputStream body = literal.open(encrypted, PGPLiteralData.BINARY, name, new Date(), PACKET_BUFFERS.get()[1]);
        return new Closing(body, literal, gen, out);
    }

    /** Closes the layers of an OpenPGP message in order: literal packet, encrypted packet, the stream below. */
    private static final class Closing extends FilterOutputStream {
        private final PGPLiteralDataGenerator literal;
        private final PGPEncryptedDataGenerator gen;
        private final OutputStream below;

        Closing(OutputStream body, PGPLiteralDataGenerator literal, PGPEncryptedDataGenerator gen, OutputStream below) {
            super(body);
            this.literal = literal;
            this.gen = gen;
            this.below = below;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            try {
                literal.close();
                gen.close();
            } finally {
                below.close();
            }
        }
    }

    /**
     * Opens an OpenPGP message for reading its content. {@code name} names the file in errors. A
     * wrong passphrase or a missing key fails here with an {@link OwuiException}; damage found
     * at the end (integrity check) fails the last read with an IOException naming the file.
     */
    public static InputStream decrypt(InputStream in, DecryptionKeys keys, String name) throws IOException {
        InputStream decoded = PGPUtil.getDecoderStream(in);
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(decoded);
            Object o = f.nextObject();
            while (o instanceof PGPMarker) {
                o = f.nextObject();
            }
            if (!(o instanceof PGPEncryptedDataList list)) {
                throw new OwuiException(name + " is not an OpenPGP encrypted message (found " + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")",
                        "the backup is damaged; run owui:verify and use another backup");
            }
            PGPEncryptedData chosen = null;
            InputStream clear = null;
            boolean triedPassphrase = false;
            boolean hadKey = false;
            for (PGPEncryptedData d : list) {
                try {
                    if (d instanceof PGPPBEEncryptedData pbe && keys.passphrase() != null) {
                        triedPassphrase = true;
                        clear = pbe.getDataStream(new JcePBEDataDecryptorFactoryBuilder(JDK_DIGESTS).build(keys.passphrase()));
                    } else if (d instanceof PGPPublicKeyEncryptedData pk && keys.secretKeys() != null) {
                        PGPSecretKey sk = keys.secretKeys().getSecretKey(pk.getKeyID());
                        if (sk == null) {
                            continue;
                        }
                        hadKey = true;
                        PGPPrivateKey priv = unlock(sk, keys, name);
                        clear = pk.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder().build(priv));
                    } else {
                        continue;
                    }
                    chosen = d;
                    break;
                } catch (PGPException e) {
                    // A wrong passphrase shows as a failed check of the session key: try the next packet.
                }
            }
            if (clear == null) {
                throw new OwuiException("cannot decrypt " + name + ": " + whyNot(keys, triedPassphrase, hadKey),
                        "give the passphrase it was encrypted with (owui.encryption.serverId or owui.passphraseEnv) or the secret key of one of its recipients (owui.secretKeyRing)");
            }
            return content(new BcPGPObjectFactory(clear), chosen, name);
        } catch (PGPException e) {
            throw new IOException(name + ": unreadable OpenPGP message (" + e.getMessage() + ")", e);
        }
    }

    private static String whyNot(DecryptionKeys keys, boolean triedPassphrase, boolean hadKey) {
        if (keys.isEmpty()) {
            return "it is encrypted and no passphrase or secret key was given";
        }
        if (hadKey) {
            return "the secret key did not decrypt it";
        }
        if (triedPassphrase) {
            return "wrong passphrase" + (keys.secretKeys() != null ? ", and the secret key is not one of its recipients" : "");
        }
        return keys.secretKeys() != null ? "the secret key is not one of its recipients, and it is not encrypted to a passphrase"
                : "it is encrypted to public keys only; a passphrase does not open it";
    }

    private static PGPPrivateKey unlock(PGPSecretKey sk, DecryptionKeys keys, String name) {
        char[] pass = keys.passphrase() == null ? new char[0] : keys.passphrase();
        try {
            return sk.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(pass));
        } catch (PGPException e) {
            throw new OwuiException("cannot decrypt " + name + ": the passphrase does not unlock the secret key in " + keys.secretKeyFile(),
                    "give the secret key's passphrase (owui.encryption.serverId or owui.passphraseEnv)");
        }
    }

    /** Unwraps compression (gpg compresses by default) down to the literal data, and checks integrity at its end. */
    private static InputStream content(BcPGPObjectFactory f, PGPEncryptedData encrypted, String name) throws IOException, PGPException {
        Object o = f.nextObject();
        if (o instanceof PGPCompressedData c) {
            f = new BcPGPObjectFactory(c.getDataStream());
            o = f.nextObject();
        }
        if (!(o instanceof PGPLiteralData literal)) {
            throw new IOException(name + ": the OpenPGP message holds no literal data (a signed-only message?)");
        }
        return new FilterInputStream(literal.getInputStream()) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    check();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    check();
                }
                return n;
            }

            private void check() throws IOException {
                if (checked) {
                    return;
                }
                checked = true;
                try {
                    if (!encrypted.isIntegrityProtected()) {
                        throw new IOException(name + ": the OpenPGP message has no integrity protection; refusing it");
                    }
                    // Drain what follows the literal packet (the MDC) so the check sees the whole message.
                    if (!encrypted.verify()) {
                        throw new IOException(name + ": the OpenPGP integrity check failed (the stored file was altered or is damaged)");
                    }
                } catch (PGPException e) {
                    throw new IOException(name + ": the OpenPGP integrity check failed (" + e.getMessage() + ")", e);
                }
            }
        };
    }
}
