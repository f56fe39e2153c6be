package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.codec.Zstd;
import dev.owui.backup.store.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the compression and encryption parameters of a goal into engine settings. Passphrases come
 * from a settings.xml server's password ({@code owui.encryption.serverId}) or an environment
 * variable named by {@code owui.passphraseEnv}, never from the pom, and are never printed.
 */
final class CodecParameters {
    private CodecParameters() {
    }

    /**
     * The passphrase, or null when neither source is configured. A configured source that yields
     * nothing fails: a typo must not silently produce an unencrypted backup.
     */
    static char[] passphrase(String serverId, String passphraseEnv, Function<String, Credentials> credentials, Map<String, String> env) {
        if (serverId != null && !serverId.isBlank()) {
            String p = credentials.apply(serverId).password();
            if (p == null || p.isEmpty()) {
                throw new OwuiException("settings.xml server '" + serverId + "' (owui.encryption.serverId) has no password",
                        "put the passphrase in that server's <password> (encrypt it with mvn --encrypt-password)");
            }
            return p.toCharArray();
        }
        if (passphraseEnv != null && !passphraseEnv.isBlank()) {
            String p = env.get(passphraseEnv);
            if (p == null || p.isEmpty()) {
                throw new OwuiException("the environment variable " + passphraseEnv + " (owui.passphraseEnv) is not set or empty",
                        "export it before running Maven, or use owui.encryption.serverId");
            }
            return p.toCharArray();
        }
        return null;
    }

    /** The write side: compression none|zstd, the level, and encryption to a passphrase and/or public key files. */
    static CodecSettings writeSettings(String compression, int zstdLevel, char[] passphrase, List<Path> recipients, boolean encryptManifest) {
        boolean zstd = switch (compression == null ? "none" : compression.trim().toLowerCase(Locale.ROOT)) {
            case "", "none", "off", "plain" -> false;
            case "zstd" -> true;
            default -> throw new OwuiException("unknown owui.compression '" + compression + "'", "use zstd or none");
        };
        if (zstd && (zstdLevel < Zstd.MIN_LEVEL || zstdLevel > Zstd.MAX_LEVEL)) {
            throw new OwuiException("owui.zstdLevel " + zstdLevel + " is outside " + Zstd.MIN_LEVEL + ".." + Zstd.MAX_LEVEL,
                    "use " + Zstd.DEFAULT_LEVEL + " (the default) or a level between " + Zstd.MIN_LEVEL + " and " + Zstd.MAX_LEVEL);
        }
        CodecSettings s = new CodecSettings(zstd, zstdLevel, null, false);
        List<Path> keys = recipients == null ? List.of() : recipients;
        for (Path k : keys) {
            if (!Files.isReadable(k)) {
                throw new OwuiException("recipient key file " + k + " (owui.recipients) does not exist or is not readable",
                        "export the public key with `gpg --export --armor <key id> > " + k.getFileName() + "`");
            }
        }
        if (passphrase != null || !keys.isEmpty()) {
            s = s.encryptedTo(EncryptionKeys.of(passphrase, keys));
        }
        if (encryptManifest) {
            if (!s.encrypts()) {
                throw new OwuiException("owui.encryptManifest needs encryption",
                        "set owui.encryption.serverId, owui.passphraseEnv or owui.recipients");
            }
            s = s.withEncryptedManifest();
        }
        return s;
    }

    /** The read side: a passphrase and/or a secret key file (unlocked with the same passphrase). */
    static DecryptionKeys readKeys(char[] passphrase, Path secretKeyRing) {
        if (secretKeyRing != null && !Files.isReadable(secretKeyRing)) {
            throw new OwuiException("secret key file " + secretKeyRing + " (owui.secretKeyRing) does not exist or is not readable",
                    "export it with `gpg --export-secret-keys --armor <key id> > " + secretKeyRing.getFileName() + "`");
        }
        return DecryptionKeys.of(passphrase, secretKeyRing);
    }
}
