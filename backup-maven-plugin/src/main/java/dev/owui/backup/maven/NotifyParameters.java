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

/**
 * Turns a goal's owui.notify.* parameters into notifiers. Secrets (the webhook's bearer token, the
 * SMTP login) come from settings.xml servers, never from the pom. Bad settings fail the goal
 * before any work, so a misspelt address is found on the first run, not on the first failure.
 */
final class NotifyParameters {
    private NotifyParameters() {
    }

    record Values(String when, String webhook, String webhookServerId, List<String> mailTo, String mailFrom, String smtpHost,
                  int smtpPort, String smtpServerId, String starttls) {
    }

    static Notifications build(Values v, Function<String, Credentials> credentials, EngineLog log) {
        When when = When.parse(v.when());
        List<Notifier> notifiers = new ArrayList<>();
        if (v.webhook() != null && !v.webhook().isBlank()) {
            String token = v.webhookServerId() == null || v.webhookServerId().isBlank() ? null : credentials.apply(v.webhookServerId()).password();
            try {
                notifiers.add(new WebhookNotifier(URI.create(v.webhook().trim()), token, null, when));
            } catch (IllegalArgumentException e) {
                throw new OwuiException("owui.notify.webhook is not an http(s) URL (" + e.getMessage() + ")", "give e.g. https://hooks.example.com/owui");
            }
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
}
