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

/**
 * A webhook on loopback (the JDK's HTTP server, no mock) that answers 204 and keeps one line per
 * request, in order, so a test can read what a goal sent.
 */
public final class RecordingWebhook implements AutoCloseable {
    private final HttpServer http;
    private final String path;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private RecordingWebhook(String path, Function<HttpExchange, String> line) throws IOException {
        this.path = path;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext(path, ex -> {
            received.add(line.apply(ex));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
    }

    /** Keeps each request's body, at {@code /owui}. */
    public static RecordingWebhook start() throws IOException {
        return start("/owui", RecordingWebhook::body);
    }

    /** Keeps {@code line} of each request to {@code path} or below it. */
    public static RecordingWebhook start(String path, Function<HttpExchange, String> line) throws IOException {
        return new RecordingWebhook(path, line);
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

    @Override
    public void close() {
        http.stop(0);
    }
}
