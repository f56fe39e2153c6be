package dev.owui.backup.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.owui.backup.TestSupport.RecordingLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook URL with a token in it never appears in a message: the query of any URL is masked,
 * and a URL kept in settings.xml is masked past its host, even when the server echoes it back.
 */
class WebhookUrlMaskingTest {
    static final String PATH_SECRET = "T0001/B0002/pathSecret9f3";
    static final String TOKEN = "tok-8d2c55aa";

    private HttpServer http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
    }

    private static Report report() {
        return Report.failure("prod", null, List.of("/srv/backups"), "web-1", "hot", Instant.parse("2026-11-26T07:48:02Z"),
                Duration.ofMillis(900), "no space left", 0);
    }

    /** A webhook answering {@code status} with the request's own URI in the body, as some error pages do. */
    private URI echoing(int status) throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hooks", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] answer = ("no such hook: " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        http.start();
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hooks/" + PATH_SECRET + "?token=" + TOKEN);
    }

    private static void neverShows(String text) {
        assertFalse(text.contains(TOKEN) || text.contains("pathSecret9f3"), "a secret part of the URL is shown: " + text);
    }

    @Test
    void aUrlFromSettingsIsNamedByItsHostOnlyInEveryMessage() throws Exception {
        URI url = echoing(404);
        RecordingLog log = new RecordingLog();
        WebhookNotifier hook = new WebhookNotifier(url, null, Duration.ofSeconds(5), When.ALWAYS, "hook");
        List<Outcome> out = new Notifications(List.of(hook), log).send(report());
        assertEquals(Outcome.State.FAILED, out.get(0).state());
        assertEquals("webhook http://127.0.0.1:" + url.getPort() + "/… (server 'hook')", out.get(0).notifier());
        assertTrue(out.get(0).error().contains("HTTP 404"), out.get(0).error());
        neverShows(out.get(0).notifier() + " " + out.get(0).error());
        log.warnings.forEach(WebhookUrlMaskingTest::neverShows);
        log.infos.forEach(WebhookUrlMaskingTest::neverShows);
        neverShows(hook.toString());
    }

    @Test
    void aParameterUrlKeepsItsPathButNeverItsQuery() throws Exception {
        URI url = echoing(500);
        RecordingLog log = new RecordingLog();
        List<Outcome> out = new Notifications(List.of(new WebhookNotifier(url, null, Duration.ofSeconds(5), When.ALWAYS)), log).send(report());
        assertEquals("webhook http://127.0.0.1:" + url.getPort() + "/hooks/" + PATH_SECRET + "?…", out.get(0).notifier());
        assertFalse(out.get(0).error().contains(TOKEN) || log.warnings.toString().contains(TOKEN), out.get(0).error());
    }

    @Test
    void aUrlThatCannotBeUsedIsRefusedWithoutQuotingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WebhookNotifier(URI.create("ftp://hooks.example/" + PATH_SECRET + "?token=" + TOKEN), null, null, null, "hook"));
        neverShows(e.getMessage());
    }
}
