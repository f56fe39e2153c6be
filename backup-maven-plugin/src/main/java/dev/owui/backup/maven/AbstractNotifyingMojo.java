package dev.owui.backup.maven;

import dev.owui.backup.app.Owui;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.report.EngineLog;
import java.util.List;
import java.util.function.Supplier;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Goals that report their runs to a webhook and by mail: backup, snapshot and copy, the ones cron
 * runs unattended. Only they build notifiers, so bad owui.notify.* settings fail these goals before
 * any work and never a verify or a list. Once the notifiers are built, every failure of the run is
 * notified: the goal's context and configuration are built inside the notification scope
 * ({@link Owui#setUp}), the run itself inside the facade's.
 */
abstract class AbstractNotifyingMojo extends AbstractStoreMojo {

    /** Which runs are reported to the webhook and by mail: failure (default), success or always. */
    @Parameter(property = "owui.notify.when", defaultValue = "failure")
    protected String notifyWhen;

    /**
     * A webhook that receives each reported run as JSON (HTTP POST). A URL that carries a token
     * belongs in settings.xml instead (owui.notify.webhookServerId): mvn -X prints parameters.
     */
    @Parameter(property = "owui.notify.webhook")
    protected String notifyWebhook;

    /**
     * A settings.xml server for the webhook: its {@code <configuration><url>} is the webhook's URL
     * (kept out of the pom and the command line), its password, if any, is sent as the bearer token.
     */
    @Parameter(property = "owui.notify.webhookServerId")
    protected String notifyWebhookServerId;

    /** Mail recipients of each reported run. */
    @Parameter(property = "owui.notify.mailTo")
    protected List<String> notifyMailTo;

    /** The sender address of report mails. */
    @Parameter(property = "owui.notify.mailFrom")
    protected String notifyMailFrom;

    /** The SMTP server report mails go through. */
    @Parameter(property = "owui.notify.smtpHost")
    protected String notifySmtpHost;

    /** Its port: 587 (submission with STARTTLS) by default. */
    @Parameter(property = "owui.notify.smtpPort", defaultValue = "587")
    protected int notifySmtpPort;

    /** A settings.xml server with the SMTP login (username, password). */
    @Parameter(property = "owui.notify.smtpServerId")
    protected String notifySmtpServerId;

    /** required (default: never send a report unencrypted) or optional (STARTTLS when offered). */
    @Parameter(property = "owui.notify.starttls", defaultValue = "required")
    protected String notifyStarttls;

    /** The configured notifiers (none by default); bad settings fail here, before any work. */
    protected Notifications notifications(EngineLog log) {
        return NotifyParameters.build(new NotifyParameters.Values(notifyWhen, notifyWebhook, notifyWebhookServerId, notifyMailTo,
                notifyMailFrom, notifySmtpHost, notifySmtpPort, notifySmtpServerId, notifyStarttls), this::credentials,
                id -> NotifyParameters.serverUrl(settings, settingsDecrypter, id), log);
    }


    /** The facade with this goal's notifiers and its configuration, built by {@link #owui(String, String, Supplier)}. */
    protected record Configured<C>(Owui owui, C config) {
    }

    /**
     * The notifiers (bad settings fail here: there is nothing yet to notify through), then the
     * facade and the goal's configuration from {@code config}, a failure of either notified as the
     * run's failure in mode {@code mode} of plan {@code plan} (null: none) before it fails the goal.
     */
    protected <C> Configured<C> owui(String mode, String plan, Supplier<C> config) {
        Notifications n = notifications(engineLog());
        return Owui.setUp(n, instance, plan, mode, () -> new Configured<>(new Owui(runContext(), n), config.get()));
    }
}
