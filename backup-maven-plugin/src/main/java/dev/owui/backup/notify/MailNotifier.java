package dev.owui.backup.notify;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Sends the report as a plain-text mail over SMTP (Jakarta Mail, Eclipse Angus).
 *
 * @param host     SMTP server
 * @param port     587 for submission with STARTTLS, 25 for relays
 * @param tls      {@link Tls#REQUIRED} (default) refuses to send unencrypted; {@link Tls#OPTIONAL}
 *                 upgrades when the server offers STARTTLS
 * @param username for SMTP AUTH, from a settings.xml server; null for none
 * @param password the same server's password; never printed
 * @param from     sender address
 * @param to       recipients
 * @param timeout  connect, read and write time-outs
 * @param when     which runs are reported
 */
public record MailNotifier(String host, int port, Tls tls, String username, String password, String from, List<String> to,
                           Duration timeout, When when) implements Notifier {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** Transport security: STARTTLS required (the server must offer it and the certificate must check out), or when offered. */
    public enum Tls { REQUIRED, OPTIONAL }

    public MailNotifier {
        if (host == null || host.isBlank() || from == null || to == null || to.isEmpty()) {
            throw new IllegalArgumentException("a mail notifier needs a host, a sender and at least one recipient");
        }
        tls = tls == null ? Tls.REQUIRED : tls;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        when = when == null ? When.FAILURE : when;
        to = List.copyOf(to);
    }

    @Override
    public String name() {
        return "mail to " + String.join(", ", to) + " via " + host + ":" + port;
    }

    @Override
    public void send(Report report) throws MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", Boolean.toString(tls == Tls.REQUIRED));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        String ms = Long.toString(timeout.toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        boolean auth = username != null && !username.isEmpty();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from, true));
        Address[] rcpt = new Address[to.size()];
        for (int i = 0; i < rcpt.length; i++) {
            rcpt[i] = new InternetAddress(to.get(i), true);
        }
        m.setRecipients(Message.RecipientType.TO, rcpt);
        m.setSubject(report.subject(), StandardCharsets.UTF_8.name());
        m.setSentDate(new Date());
        m.setText(report.text(), StandardCharsets.UTF_8.name());
        if (auth) {
            Transport.send(m, username, password);
        } else {
            Transport.send(m);
        }
    }

    @Override
    public String toString() {
        return name(); // never the password
    }
}
