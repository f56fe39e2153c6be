package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.notify.MailNotifier;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Notifier;
import dev.owui.backup.notify.WebhookNotifier;
import dev.owui.backup.notify.When;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Credentials;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * Turns a goal's owui.notify.* parameters into notifiers. Secrets (the webhook's bearer token, the
 * SMTP login, and a webhook URL that carries a token) come from settings.xml servers, never from
 * the pom or the command line, where {@code mvn -X} prints every parameter. Bad settings fail the goal
 * before any work, so a misspelt address is found on the first run, not on the first failure.
 */
final class NotifyParameters {
    private NotifyParameters() {
    }

    record Values(String when, String webhook, String webhookServerId, List<String> mailTo, String mailFrom, String smtpHost,
                  int smtpPort, String smtpServerId, String starttls) {
    }

    /**
     * @param credentials a settings.xml server's credentials by id (fails naming a missing id)
     * @param serverUrl   a settings.xml server's {@code <configuration><url>} by id, or null
     */
    static Notifications build(Values v, Function<String, Credentials> credentials, Function<String, String> serverUrl, EngineLog log) {
        When when = When.parse(v.when());
        List<Notifier> notifiers = new ArrayList<>();
        String serverId = v.webhookServerId() == null || v.webhookServerId().isBlank() ? null : v.webhookServerId().trim();
        String parameter = v.webhook() == null || v.webhook().isBlank() ? null : v.webhook().trim();
        if (parameter != null || serverId != null) {
            String token = serverId == null ? null : credentials.apply(serverId).password();
            String kept = serverId == null ? null : serverUrl.apply(serverId);
            kept = kept == null || kept.isBlank() ? null : kept.trim();
            if (parameter != null && kept != null) {
                throw new OwuiException("the webhook URL is given twice: owui.notify.webhook and the <configuration><url> of server '"
                        + serverId + "' in settings.xml", "keep it in settings.xml (a URL with a token is a secret) and unset owui.notify.webhook");
            }
            if (parameter == null && kept == null) {
                throw new OwuiException("owui.notify.webhookServerId is '" + serverId + "' but no webhook URL is configured",
                        "put the URL in <configuration><url>…</url></configuration> of server '" + serverId
                                + "' in settings.xml (or set owui.notify.webhook), or unset owui.notify.webhookServerId");
            }
            notifiers.add(parameter != null ? webhook(parameter, token, when) : webhookFromServer(kept, serverId, token, when));
        }
        boolean mail = v.mailTo() != null && !v.mailTo().isEmpty();
        if (mail) {
            if (v.smtpHost() == null || v.smtpHost().isBlank() || v.mailFrom() == null || v.mailFrom().isBlank()) {
                throw new OwuiException("mail notifications need owui.notify.smtpHost and owui.notify.mailFrom",
                        "set both, or remove owui.notify.mailTo");
            }
            MailNotifier.Tls tls = switch (v.starttls() == null ? "required" : v.starttls().trim().toLowerCase(Locale.ROOT)) {
                case "required" -> MailNotifier.Tls.REQUIRED;
                case "optional" -> MailNotifier.Tls.OPTIONAL;
                default -> throw new OwuiException("owui.notify.starttls is '" + v.starttls() + "'", "use required (default) or optional");
            };
            Credentials login = v.smtpServerId() == null || v.smtpServerId().isBlank() ? null : credentials.apply(v.smtpServerId());
            notifiers.add(new MailNotifier(v.smtpHost().trim(), v.smtpPort(), tls, login == null ? null : login.username(),
                    login == null ? null : login.password(), v.mailFrom().trim(), v.mailTo(), null, when));
        }
        return new Notifications(notifiers, log);
    }

    private static WebhookNotifier webhook(String url, String token, When when) {
        try {
            return new WebhookNotifier(URI.create(url), token, null, when);
        } catch (IllegalArgumentException e) {
            throw new OwuiException("owui.notify.webhook is not an http(s) URL (" + e.getMessage() + ")", "give e.g. https://hooks.example.com/owui");
        }
    }

    /** The webhook whose URL is a secret kept in settings.xml: no message quotes it, not even when it is malformed. */
    private static WebhookNotifier webhookFromServer(String url, String serverId, String token, When when) {
        try {
            return new WebhookNotifier(URI.create(url), token, null, when, serverId);
        } catch (IllegalArgumentException e) {
            throw new OwuiException("the <configuration><url> of server '" + serverId + "' in settings.xml is not an http(s) URL",
                    "write it as https://host/path?query, with characters outside URLs percent-encoded");
        }
    }

    /**
     * The {@code <configuration><url>} of server {@code id}, decrypted as Maven decrypts a
     * password (so a value from {@code mvn --encrypt-password} works too); null when the server
     * has none. The server itself must exist: the caller looked up its credentials first.
     */
    static String serverUrl(Settings settings, SettingsDecrypter decrypter, String id) {
        Server server = settings == null ? null : settings.getServer(id);
        if (server == null || !(server.getConfiguration() instanceof Xpp3Dom config) || config.getChild("url") == null) {
            return null;
        }
        String value = config.getChild("url").getValue();
        if (value == null || value.isBlank()) {
            return null;
        }
        Server carrier = new Server();
        carrier.setId(id);
        carrier.setPassword(value.trim());
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(carrier));
        for (SettingsProblem p : result.getProblems()) {
            if (p.getSeverity() == SettingsProblem.Severity.ERROR || p.getSeverity() == SettingsProblem.Severity.FATAL) {
                throw new OwuiException("cannot decrypt the webhook URL of server '" + id + "': " + p.getMessage(),
                        "check ~/.m2/settings-security.xml (the master password) and the server's encrypted <url>");
            }
        }
        return result.getServer().getPassword();
    }
}
