package dev.owui.backup.store;

import java.nio.file.Path;

/**
 * A secret looked up by server id (settings.xml): for SSH a login, password and/or key; for S3
 * the access key id (username) and secret key (password). Never printed: {@link #toString()}
 * names only what is present.
 */
public record Credentials(String username, String password, Path privateKey, String passphrase) {
    @Override
    public String toString() {
        return "Credentials[username=" + username + (password != null ? ", password=***" : "")
                + (privateKey != null ? ", privateKey=" + privateKey : "") + (passphrase != null ? ", passphrase=***" : "") + "]";
    }
}
