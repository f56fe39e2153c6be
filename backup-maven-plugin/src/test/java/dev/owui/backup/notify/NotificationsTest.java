package dev.owui.backup.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.owui.backup.TestSupport.RecordingLog;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reports received by real servers on loopback: the JDK's HTTP server and GreenMail's SMTP. */
class NotificationsTest {
    private HttpServer http;
    private GreenMail mail;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
    }

    private static Report success() {
        return Report.run("prod", "nightly", List.of("/srv/backups", "sftp://nas/backups"), "web-1", "cold", Instant.parse("2026-11-26T07:48:02Z"))
                .made("20261126T074802Z", 37, 812_345, 402_113).downtime(Duration.ofMillis(1_200)).warnings(1).success(Duration.ofMillis(3_591));
    }

    private static Report failure() {
        return Report.failure("prod", null, List.of("/srv/backups"), "web-1", "hot", Instant.parse("2026-11-26T07:48:02Z"),
                Duration.ofMillis(900), "no space left writing webui.db to /srv/backups", 0);
    }

    private URI webhook(int status) throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            headers.add(ex.getRequestHeaders().getFirst("Content-Type") + "|" + ex.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = (status == 200 ? "ok" : "rejected").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        http.start();
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook");
    }

    @Test
    void theWebhookReceivesTheReportAsJsonWithTheBearerToken() throws Exception {
        URI url = webhook(200);
        List<Outcome> out = new Notifications(List.of(new WebhookNotifier(url, "tok-123", Duration.ofSeconds(5), When.ALWAYS)), new RecordingLog())
                .send(success());
        assertEquals(Outcome.State.SENT, out.get(0).state());
        assertEquals(1, bodies.size());
        assertEquals("application/json|Bearer tok-123", headers.get(0));
        JsonNode j = new ObjectMapper().readTree(bodies.get(0));
        assertEquals("success", j.get("status").asText());
        assertEquals("prod", j.get("instance").asText());
        assertEquals("nightly", j.get("plan").asText());
        assertEquals("20261126T074802Z", j.get("backupId").asText());
        assertEquals(2, j.get("targets").size());
        assertEquals(812_345, j.get("bytesTotal").asLong());
        assertEquals(402_113, j.get("bytesWritten").asLong());
        assertEquals(37, j.get("files").asLong());
        assertEquals(3_591, j.get("durationMs").asLong());
        assertEquals(1_200, j.get("downtimeMs").asLong());
        assertEquals(1, j.get("warnings").asInt());
        assertTrue(j.get("error") == null);
    }

    @Test
    void whenDecidesWhichRunsAreReported() throws Exception {
        URI url = webhook(200);
        Notifications n = new Notifications(List.of(new WebhookNotifier(url, null, null, When.FAILURE)), new RecordingLog());
        assertEquals(Outcome.State.SKIPPED, n.send(success()).get(0).state());
        assertEquals(Outcome.State.SENT, n.send(failure()).get(0).state());
        assertEquals(1, bodies.size());
        JsonNode j = new ObjectMapper().readTree(bodies.get(0));
        assertEquals("failure", j.get("status").asText());
        assertEquals("no space left writing webui.db to /srv/backups", j.get("error").asText());
        assertEquals("application/json|null", headers.get(0), "no Authorization header without a token");
    }

    @Test
    void aNotifierPointingAtAClosedPortOrAnsweringAnErrorIsAFailedOutcomeNeverAnException() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI rejecting = webhook(500);
        RecordingLog log = new RecordingLog();
        List<Outcome> out = new Notifications(List.of(
                new WebhookNotifier(URI.create("http://127.0.0.1:" + closed + "/hook"), null, Duration.ofSeconds(2), When.ALWAYS),
                new MailNotifier("127.0.0.1", closed, MailNotifier.Tls.OPTIONAL, null, null, "backup@example.org", List.of("ops@example.org"),
                        Duration.ofSeconds(2), When.ALWAYS),
                new WebhookNotifier(rejecting, null, Duration.ofSeconds(2), When.ALWAYS)), log).send(success());
        assertEquals(List.of(Outcome.State.FAILED, Outcome.State.FAILED, Outcome.State.FAILED), out.stream().map(Outcome::state).toList());
        assertTrue(out.get(0).error().contains("ConnectException"), out.get(0).error());
        assertTrue(out.get(2).error().contains("HTTP 500: rejected"), out.get(2).error());
        assertEquals(3, Notifications.failures(out));
        assertEquals(3, log.warnings.size());
        assertTrue(log.warnings.stream().allMatch(w -> w.contains("the backup's own result is unaffected")));
    }

    private GreenMail smtp() {
        // GreenMail 2.1.5 speaks plain SMTP with AUTH (and SMTPS on its own port) but offers no STARTTLS.
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("backup@example.org", "mailer", "mail-pass"));
        mail.start();
        return mail;
    }

    @Test
    void theMailArrivesWithSubjectAndPlainTextBodyAuthenticatedWithTheServerCredentials() throws Exception {
        GreenMail gm = smtp();
        int port = gm.getSmtp().getPort();
        List<Outcome> out = new Notifications(List.of(new MailNotifier("127.0.0.1", port, MailNotifier.Tls.OPTIONAL, "mailer", "mail-pass",
                "backup@example.org", List.of("ops@example.org", "oncall@example.org"), null, When.ALWAYS)), new RecordingLog()).send(failure());
        assertEquals(Outcome.State.SENT, out.get(0).state(), String.valueOf(out.get(0).error()));
        assertTrue(gm.waitForIncomingEmail(5000, 2));
        MimeMessage m = gm.getReceivedMessages()[0];
        assertEquals("owui backup of prod on web-1: FAILED", m.getSubject());
        String body = ((String) m.getContent()).replace("\r\n", "\n");
        assertTrue(body.contains("error:    no space left writing webui.db to /srv/backups"), body);
        assertTrue(m.getContentType().startsWith("text/plain"), m.getContentType());

        List<Outcome> wrong = new Notifications(List.of(new MailNotifier("127.0.0.1", port, MailNotifier.Tls.OPTIONAL, "mailer", "nope",
                "backup@example.org", List.of("ops@example.org"), null, When.ALWAYS)), new RecordingLog()).send(failure());
        assertEquals(Outcome.State.FAILED, wrong.get(0).state(), "a wrong password is refused by the server");
        assertTrue(wrong.get(0).error().contains("AuthenticationFailed"), wrong.get(0).error());
    }

    @Test
    void starttlsRequiredRefusesToSendToAServerThatDoesNotOfferIt() throws Exception {
        GreenMail gm = smtp();
        List<Outcome> out = new Notifications(List.of(new MailNotifier("127.0.0.1", gm.getSmtp().getPort(), MailNotifier.Tls.REQUIRED,
                "mailer", "mail-pass", "backup@example.org", List.of("ops@example.org"), null, When.ALWAYS)), new RecordingLog()).send(success());
        assertEquals(Outcome.State.FAILED, out.get(0).state());
        assertTrue(out.get(0).error().contains("STARTTLS"), out.get(0).error());
        assertEquals(0, gm.getReceivedMessages().length, "nothing went out in clear text");
    }

    @Test
    void aNotifierThatThrowsAnythingStillYieldsAnOutcome() {
        Notifier broken = new Notifier() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public When when() {
                return When.ALWAYS;
            }

            @Override
            public void send(Report report) {
                throw new StackOverflowError("deep");
            }
        };
        List<Outcome> out = new Notifications(List.of(broken), new RecordingLog()).send(success());
        assertEquals(Outcome.State.FAILED, out.get(0).state());
    }
}
