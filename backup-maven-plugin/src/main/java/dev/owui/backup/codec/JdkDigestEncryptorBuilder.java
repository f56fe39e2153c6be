package dev.owui.backup.codec;

import java.io.OutputStream;
import java.security.SecureRandom;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PGPDataEncryptor;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * BouncyCastle's JCA data encryptor with the modification detection code (SHA-1 over the whole
 * message) computed by the JDK's SHA-1 as well: BouncyCastle's pure-Java SHA-1 runs at about
 * 100 MB/s, the JDK's intrinsic several times that (measured in bench/README.md). Everything else
 * is BouncyCastle's own.
 */
final class JdkDigestEncryptorBuilder implements PGPDataEncryptorBuilder {
    private final JcePGPDataEncryptorBuilder inner;

    JdkDigestEncryptorBuilder(int algorithm, SecureRandom random) {
        this.inner = new JcePGPDataEncryptorBuilder(algorithm);
        inner.setWithIntegrityPacket(true);
        inner.setSecureRandom(random);
    }

    @Override
    public int getAlgorithm() {
        return inner.getAlgorithm();
    }

    @Override
    public int getAeadAlgorithm() {
        return inner.getAeadAlgorithm();
    }

    @Override
    public int getChunkSize() {
        return inner.getChunkSize();
    }

    @Override
    public boolean isV5StyleAEAD() {
        return inner.isV5StyleAEAD();
    }

    @Override
    public PGPDataEncryptor build(byte[] keyBytes) throws PGPException {
        return withJdkDigest(inner.build(keyBytes));
    }

    @Override
    public PGPDataEncryptor build(byte[] keyBytes, byte[] iv) throws PGPException {
        return withJdkDigest(inner.build(keyBytes, iv));
    }

    private static PGPDataEncryptor withJdkDigest(PGPDataEncryptor e) throws PGPException {
        if (e.getIntegrityCalculator() == null) {
            return e; // no MDC (not our configuration): nothing to replace
        }
        PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
        return new PGPDataEncryptor() {
            @Override
            public OutputStream getOutputStream(OutputStream out) {
                return e.getOutputStream(out);
            }

            @Override
            public PGPDigestCalculator getIntegrityCalculator() {
                return sha1;
            }

            @Override
            public int getBlockSize() {
                return e.getBlockSize();
            }
        };
    }

    @Override
    public SecureRandom getSecureRandom() {
        return inner.getSecureRandom();
    }

    @Override
    public PGPDataEncryptorBuilder setWithIntegrityPacket(boolean b) {
        throw new UnsupportedOperationException("always integrity-protected");
    }

    @Override
    public PGPDataEncryptorBuilder setWithAEAD(int aeadAlgorithm, int chunkSize) {
        throw new UnsupportedOperationException("SEIPD v1 with MDC only, which every gpg reads");
    }

    @Override
    public PGPDataEncryptorBuilder setUseV5AEAD() {
        throw new UnsupportedOperationException("SEIPD v1 with MDC only, which every gpg reads");
    }

    @Override
    public PGPDataEncryptorBuilder setUseV6AEAD() {
        throw new UnsupportedOperationException("SEIPD v1 with MDC only, which every gpg reads");
    }
}
