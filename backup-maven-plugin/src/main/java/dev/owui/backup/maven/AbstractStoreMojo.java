package dev.owui.backup.maven;

import dev.owui.backup.store.TargetSpec;
import java.io.File;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Goals that read or write backups at targets (every goal but install-cron): the options of a
 * target URL given alone (owui.serverId, owui.s3.*) and what encrypts and opens backups
 * (owui.encryption.serverId, owui.passphraseEnv, owui.secretKeyRing).
 */
abstract class AbstractStoreMojo extends AbstractOwuiMojo {

    /**
     * The id of a {@code <server>} in settings.xml holding the SSH credentials for an sftp://
     * target: username, password, or privateKey (+ passphrase). Without it the ssh-agent, the
     * ssh config's IdentityFile and ~/.ssh's default keys are tried.
     */
    @Parameter(property = "owui.serverId")
    protected String serverId;

    /** The S3 region of an s3:// owui.target (default us-east-1 with an endpoint, else the AWS provider chain's). */
    @Parameter(property = "owui.s3.region")
    protected String s3Region;

    /** The S3-compatible endpoint of an s3:// owui.target: B2, R2, MinIO, Wasabi… (default AWS). */
    @Parameter(property = "owui.s3.endpoint")
    protected String s3Endpoint;

    /** Path-style addressing for an s3:// owui.target (default: on with an endpoint, off for AWS). */
    @Parameter(property = "owui.s3.pathStyle")
    protected Boolean s3PathStyle;

    /**
     * A settings.xml server whose password is the passphrase backups are encrypted to (OpenPGP,
     * AES-256): set when writing, it turns encryption on; set when reading, it opens encrypted
     * files and manifests (and unlocks owui.secretKeyRing).
     */
    @Parameter(property = "owui.encryption.serverId")
    protected String encryptionServerId;

    /** The name of an environment variable holding the passphrase (instead of a settings.xml server). */
    @Parameter(property = "owui.passphraseEnv")
    protected String passphraseEnv;

    /** A secret key file ({@code gpg --export-secret-keys}) that opens backups encrypted to public keys. */
    @Parameter(property = "owui.secretKeyRing")
    protected File secretKeyRing;

    /** A URL with the goal's server id and owui.s3.* options. */
    @Override
    protected TargetSpec urlSpec(String url) {
        TargetSpec plain = TargetSpec.of(url, serverId);
        return new TargetSpec(null, plain.url(), serverId, s3Region, s3Endpoint, s3PathStyle);
    }

    /** The configured passphrase, or null; a configured source that yields nothing fails. Never printed. */
    protected char[] passphrase() {
        return CodecParameters.passphrase(encryptionServerId, passphraseEnv, this::credentials, environment());
    }

    /** What opens encrypted backups: the passphrase and/or the secret key file. */
    @Override
    protected dev.owui.backup.codec.DecryptionKeys decryptionKeys() {
        return CodecParameters.readKeys(passphrase(), resolve(secretKeyRing));
    }

}
