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
 * <p>The URL is never printed whole: a query string may carry a token, and a URL kept in
 * settings.xml ({@code serverId} set) is a secret as a whole (Slack and Discord put the token in
 * the path), so messages show only its scheme and host.
 *
 * @param url         where to POST
 * @param bearerToken sent as {@code Authorization: Bearer …} when not null (from a settings.xml server's password)
 * @param timeout     for connecting and for the whole request
 * @param when        which runs are reported
 * @param serverId    the settings.xml server the URL came from, or null when it is a plain parameter
 */
public record WebhookNotifier(URI url, String bearerToken, Duration timeout, When when, String serverId) implements Notifier {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public WebhookNotifier {
        if (url == null || !(url.getScheme() != null && url.getScheme().matches("https?")) || url.getHost() == null) {
            throw new IllegalArgumentException("a webhook needs an http(s) URL with a host, got "
                    + (url == null ? "none" : serverId != null ? "another kind of URL" : masked(url, false)));
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        when = when == null ? When.FAILURE : when;
    }

    /** A webhook whose URL is a plain parameter (its query string is still never printed). */
    public WebhookNotifier(URI url, String bearerToken, Duration timeout, When when) {
        this(url, bearerToken, timeout, when, null);
    }

    @Override
    public String name() {
        return "webhook " + masked(url, serverId != null) + (serverId != null ? " (server '" + serverId + "')" : "");
    }

    /** Scheme, host and port, then the path unless all of it is secret; "…" for what is left out. */
    static String masked(URI url, boolean wholeUrlSecret) {
        String start = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        if (wholeUrlSecret) {
            return start + "/…";
        }
        return start + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() != null ? "?…" : "");
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
        HttpResponse<String> resp;
        try {
            resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage();
            if (m != null && !scrub(m).equals(m)) {
                // the JDK's message quoted the URL: rethrown without it, the kind of failure kept
                throw new IOException(e.getClass().getSimpleName() + ": " + scrub(m));
            }
            throw e;
        }
        if (resp.statusCode() / 100 != 2) {
            String body = resp.body() == null ? "" : scrub(resp.body().strip());
            throw new IOException("HTTP " + resp.statusCode() + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "…" : body)));
        }
    }

    /** A message with the secret parts of the URL (the whole URL, its query, and with a server its path) masked. */
    String scrub(String message) {
        String out = message.replace(url.toString(), masked(url, serverId != null));
        if (url.getRawQuery() != null && !url.getRawQuery().isEmpty()) {
            out = out.replace(url.getRawQuery(), "…");
        }
        if (serverId != null && url.getRawPath() != null && url.getRawPath().length() > 1) {
            out = out.replace(url.getRawPath(), "/…");
        }
        return out;
    }

    @Override
    public String toString() {
        return name();
    }
}
