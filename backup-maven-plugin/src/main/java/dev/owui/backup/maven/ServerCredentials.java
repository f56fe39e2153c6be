package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import java.nio.file.Path;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Credentials from a {@code <server>} of settings.xml, decrypted with Maven's own decrypter (so
 * {@code mvn --encrypt-password} values work). They never come from the pom and are never
 * printed: {@link #toString()} names only what is present.
 *
 * @param username   the server's username, or null
 * @param password   its password, or null
 * @param privateKey its privateKey file, or null
 * @param passphrase the private key's passphrase, or null
 */
public record ServerCredentials(String username, String password, Path privateKey, String passphrase) {

    /** Reads server {@code id}; fails naming the id when it is missing or cannot be decrypted. */
    public static ServerCredentials from(Settings settings, SettingsDecrypter decrypter, String id) {
        Server server = settings == null ? null : settings.getServer(id);
        if (server == null) {
            throw new OwuiException("no <server> with id '" + id + "' in settings.xml",
                    "add <servers><server><id>" + id + "</id>…</server></servers> to ~/.m2/settings.xml, or unset owui.serverId");
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        for (SettingsProblem p : result.getProblems()) {
            if (p.getSeverity() == SettingsProblem.Severity.ERROR || p.getSeverity() == SettingsProblem.Severity.FATAL) {
                throw new OwuiException("cannot decrypt the credentials of server '" + id + "': " + p.getMessage(),
                        "check ~/.m2/settings-security.xml (the master password) and the server's encrypted values");
            }
        }
        Server s = result.getServer();
        return new ServerCredentials(blankToNull(s.getUsername()), blankToNull(s.getPassword()),
                s.getPrivateKey() == null || s.getPrivateKey().isBlank() ? null : Path.of(s.getPrivateKey()), blankToNull(s.getPassphrase()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "ServerCredentials[username=" + username + (password != null ? ", password=***" : "")
                + (privateKey != null ? ", privateKey=" + privateKey : "") + (passphrase != null ? ", passphrase=***" : "") + "]";
    }
}
