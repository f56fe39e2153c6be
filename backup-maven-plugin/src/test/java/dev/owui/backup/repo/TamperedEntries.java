package dev.owui.backup.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.objects.ObjectNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A damaged or hostile backup for the tests that prove a restore or a tree never writes outside
 * its folder: entries appended by hand to the newest format 3 backup of a local instance folder
 * (zstd entry chunks, as the engine writes them), rewritten as one chunk with the head pointing at it.
 */
public final class TamperedEntries {
    private TamperedEntries() {
    }

    /**
     * Appends {@code extra} to the newest backup's entries (paths "zz-…" sort last). An entry
     * without a {@code type} becomes a copy of the first file entry {@code template} accepts (a
     * sound object, storage, size and SHA-256) at its own path.
     */
    public static void append(Path instance, Predicate<ObjectNode> template, ObjectNode... extra) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path headFile;
        try (Stream<Path> s = Files.list(instance.resolve("backups"))) {
            headFile = s.sorted().reduce((a, b) -> b).orElseThrow();
        }
        ObjectNode head = (ObjectNode) json.readTree(headFile.toFile());
        assertEquals("zstd", head.get("chunkStorage").asText());
        List<ObjectNode> entries = new ArrayList<>();
        for (var chunk : head.withArray("chunks")) {
            byte[] stored = Files.readAllBytes(instance.resolve(ObjectNames.relativeKey(chunk.get("object").asText())));
            String lines = new String(new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(stored)).readAllBytes(),
                    StandardCharsets.UTF_8);
            for (String line : lines.split("\n")) {
                if (!line.isBlank()) {
                    entries.add((ObjectNode) json.readTree(line));
                }
            }
        }
        ObjectNode aFile = entries.stream().filter(e -> Entry.FILE.equals(e.get("type").asText())).filter(template).findFirst().orElseThrow();
        for (ObjectNode e : extra) {
            if (!e.has("type")) {
                String path = e.get("path").asText();
                e.setAll(aFile.deepCopy());
                e.put("path", path);
            }
            entries.add(e);
        }
        StringBuilder sb = new StringBuilder();
        for (ObjectNode e : entries) {
            sb.append(json.writeValueAsString(e)).append('\n');
        }
        byte[] plain = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] stored = Zstd.compress(plain, 3);
        String name = sha256(stored);
        Path f = instance.resolve(ObjectNames.relativeKey(name));
        Files.createDirectories(f.getParent());
        Files.write(f, stored);
        ArrayNode chunks = json.createArrayNode();
        chunks.addObject().put("object", name).put("sha256", sha256(plain)).put("entries", entries.size())
                .put("first", entries.get(0).get("path").asText());
        head.set("chunks", chunks);
        json.writeValue(headFile.toFile(), head);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
