package dev.owui.backup.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs the report as JSON ({@code application/json}) to a URL: a chat webhook relay, a
 * monitoring endpoint (Healthchecks-style), an automation tool. A 2xx answer counts as sent.
 *
 * @param url         where to POST
 * @param bearerToken sent as {@code Authorization: Bearer …} when not null (from a settings.xml server's password)
 * @param timeout     for connecting and for the whole request
 * @param when        which runs are reported
 */
public record WebhookNotifier(URI url, String bearerToken, Duration timeout, When when) implements Notifier {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public WebhookNotifier {
        if (url == null || !(url.getScheme() != null && url.getScheme().matches("https?"))) {
            throw new IllegalArgumentException("a webhook needs an http(s) URL, got " + url);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        when = when == null ? When.FAILURE : when;
    }

    @Override
    public String name() {
        // scheme, host and path only: a query string may carry a token
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
    }

    @Override
    public void send(Report report) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "owui-backup/" + dev.owui.backup.ToolVersion.get())
                .POST(HttpRequest.BodyPublishers.ofString(report.toJson(), StandardCharsets.UTF_8));
        if (bearerToken != null && !bearerToken.isEmpty()) {
            req.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2) {
            String body = resp.body() == null ? "" : resp.body().strip();
            throw new IOException("HTTP " + resp.statusCode() + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body)));
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
