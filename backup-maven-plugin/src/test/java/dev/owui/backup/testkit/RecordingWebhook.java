package dev.owui.backup.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A webhook on loopback (the JDK's HTTP server, no mock) that answers 204 and keeps one line per
 * request, in order, so a test can read what a goal sent. Registered as a field
 * ({@code @RegisterExtension}), it listens from before each test to after it.
 */
public final class RecordingWebhook implements BeforeEachCallback, AfterEachCallback {
    private final String path;
    private final Function<HttpExchange, String> line;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer http;

    /** Keeps each request's body, at {@code /owui}. */
    public RecordingWebhook() {
        this("/owui", RecordingWebhook::body);
    }

    /** Keeps {@code line} of each request to {@code path} or below it. */
    public RecordingWebhook(String path, Function<HttpExchange, String> line) {
        this.path = path;
        this.line = line;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        received.clear();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext(path, ex -> {
            received.add(line.apply(ex));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (http != null) {
            http.stop(0);
        }
    }

    /** The request's body as UTF-8 text. */
    public static String body(HttpExchange ex) {
        try {
            return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The URL of the context the webhook listens at. */
    public String url() {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The lines kept so far (live: later requests show up in it; a test may clear it). */
    public List<String> received() {
        return received;
    }
}
