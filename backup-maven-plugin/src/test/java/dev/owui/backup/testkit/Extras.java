package dev.owui.backup.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The parts of the data directory a backup skips by default: {@code cache/} and {@code audit.log}. */
final class Extras {

    static final String MODEL_DIR = "embedding/models/models--sentence-transformers--all-MiniLM-L6-v2";

    private static final String[] URIS = {"/api/v1/chats/new", "/api/v1/files/", "/api/chat/completions",
        "/api/v1/knowledge/create", "/api/v1/auths/signin", "/api/v1/memories/add"};

    private Extras() {
    }

    /**
     * A small cache: a tiktoken file and, when {@code symlinks}, a Hugging Face model laid out as
     * huggingface_hub does it (blobs/ named by SHA-256, refs/main, and snapshots/&lt;rev&gt;/ holding
     * relative symlinks {@code ../../blobs/<sha>}).
     */
    static void writeCache(Path cache, Ids ids, boolean symlinks) throws IOException {
        Path tiktoken = Files.createDirectories(cache.resolve("tiktoken"));
        Files.writeString(tiktoken.resolve(ids.hex(40)), Content.text(ids.random(), 2_000));
        if (!symlinks) {
            return;
        }
        Path model = Files.createDirectories(cache.resolve(MODEL_DIR));
        byte[] config = ("{\"architectures\": [\"BertModel\"], \"hidden_size\": " + HnswSegment.DIM
                + ", \"num_hidden_layers\": 6, \"vocab_size\": 30522}\n").getBytes(StandardCharsets.UTF_8);
        String sha = Content.sha256Hex(config);
        String revision = ids.hex(40);
        Files.write(Files.createDirectories(model.resolve("blobs")).resolve(sha), config);
        Files.writeString(Files.createDirectories(model.resolve("refs")).resolve("main"), revision);
        Path snapshot = Files.createDirectories(model.resolve("snapshots").resolve(revision));
        Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("..", "..", "blobs", sha));
    }

    /** JSON lines like Open WebUI's audit logger writes at AUDIT_LOG_LEVEL=METADATA. */
    static void writeAuditLog(Path file, Ids ids, List<String> userIds) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            String user = userIds.get(ids.random().nextInt(userIds.size()));
            String uri = URIS[ids.random().nextInt(URIS.length)];
            sb.append(Json.of(Json.obj("id", ids.uuid(), "timestamp", ids.time(120), "user", Json.obj("id", user),
                    "audit_level", "METADATA", "verb", "POST", "request_uri", "http://localhost:8080" + uri,
                    "user_agent", "Mozilla/5.0 (X11; Linux x86_64)", "source_ip", "172.18.0.1",
                    "response_status_code", 200))).append('\n');
        }
        Files.writeString(file, sb.toString());
    }
}
