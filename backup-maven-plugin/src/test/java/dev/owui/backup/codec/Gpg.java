package dev.owui.backup.codec;

import dev.owui.backup.TestSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stock GnuPG (Debian's gpg) in a private GNUPGHOME, with a key pair it generated itself: the
 * independent reader and writer our OpenPGP files are checked against. A test that uses it is
 * skipped where gpg is not installed (Debian package gnupg).
 */
public final class Gpg {
    public static final String KEY_PASSPHRASE = "key pass phrase";
    public static final String UID = "Backup Test <backup@example.org>";
    private final Path home;

    public Gpg(Path home) throws Exception {
        this.home = home;
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Generates an ed25519/cv25519 key pair protected by {@link #KEY_PASSPHRASE}. */
    public Gpg withKeyPair() throws Exception {
        run(KEY_PASSPHRASE, "--quick-gen-key", UID, "default", "default", "never");
        return this;
    }

    /** A key pair without a passphrase (as a backup host's restore key might be, in a root-only file). */
    public Gpg withUnprotectedKeyPair() throws Exception {
        run("", "--quick-gen-key", UID, "default", "default", "never");
        return this;
    }

    public Path exportPublic(Path file) throws Exception {
        Files.write(file, run(null, "--armor", "--export", UID));
        return file;
    }

    public Path exportSecret(Path file) throws Exception {
        Files.write(file, run(KEY_PASSPHRASE, "--armor", "--export-secret-keys", UID)); // the passphrase is ignored for an unprotected key
        return file;
    }

    /** Decrypts with a passphrase (for SKESK messages, or the key's passphrase for PKESK ones). */
    public byte[] decrypt(Path file, String passphrase) throws Exception {
        return run(passphrase, "--decrypt", file.toString());
    }

    public byte[] encryptSymmetric(Path file, String passphrase) throws Exception {
        return run(passphrase, "--symmetric", "--cipher-algo", "AES256", "--output", "-", file.toString());
    }

    public byte[] encryptTo(Path file) throws Exception {
        return run(null, "--encrypt", "--trust-model", "always", "--recipient", UID, "--output", "-", file.toString());
    }

    /** Runs gpg; the passphrase (if any) goes through fd 0, never on the command line. */
    public byte[] run(String passphrase, String... args) throws Exception {
        TestSupport.assumeGpg(); // where gpg is missing, a test skips at its first use
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes", "--no-tty", "--quiet"));
        if (passphrase != null) {
            cmd.addAll(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0"));
        }
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            if (passphrase != null) {
                in.write((passphrase + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("gpg timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new GpgFailed(String.join(" ", args) + " exited " + p.exitValue() + ": " + Files.readString(err));
        }
        return out;
    }

    public static final class GpgFailed extends IOException {
        GpgFailed(String m) {
            super(m);
        }
    }

    /** Stops the gpg-agent this home started, so the test leaves no process behind. */
    public void close() {
        try {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all").start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }
}
