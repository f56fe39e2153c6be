package dev.owui.backup.repo.pages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.owui.backup.TestSupport;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMAT.md promises that a database stored as layers can be rebuilt without this tool. This test
 * keeps the promise honest: it lays out layer objects exactly as a format 3 repository does
 * (objects/ab/ab12…, named by the SHA-256 of the stored bytes, plain or zstd made by the stock
 * {@code zstd}), writes the entry JSON, and runs {@code recovery/reassemble-sqlite.sh}, which uses
 * only bash, jq, dd, truncate, sha256sum and zstd.
 */
class StockToolReassemblyTest {
    private static final Path SCRIPT = Path.of("..", "recovery", "reassemble-sqlite.sh").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "zstd"})
    void theScriptRebuildsACaptureFromItsImageAndPageSets(String storage) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/jq")), "needs jq (apt-get install jq; .ci/run installs it)");
        if (storage.equals("zstd")) {
            TestSupport.assumeZstd();
        }
        PageStorageTest chain = new PageStorageTest();
        chain.dir = dir;
        Path db = chainOfDays(chain);
        Path objects = dir.resolve("objects");

        PageStorageTest.Capture last = chain.lastCapture;
        assertTrue(last.layers().size() >= 3, "an image and at least two page sets: " + last.layers().size());
        ObjectNode entry = JSON.createObjectNode();
        entry.put("path", "webui.db").put("type", "sqlite").put("storage", storage)
                .put("sha256", last.map().sha256()).put("pageSize", last.map().pageSize()).put("pageCount", last.map().pageCount());
        ArrayNode layers = entry.putArray("layers");
        for (PageStorageTest.StoredLayer l : last.layers()) {
            ObjectNode layer = layers.addObject();
            layer.put("kind", l.runs() == null ? "image" : "pages").put("object", storeObject(l.object(), storage, objects));
            if (l.runs() != null) {
                ArrayNode runs = layer.putArray("runs");
                l.runs().forEach(r -> runs.addArray().add(r.first()).add(r.count()));
            }
        }
        Path entryFile = dir.resolve("entry.json");
        Files.writeString(entryFile, JSON.writeValueAsString(entry));

        Path out = dir.resolve("restored.db");
        Result r = run(entryFile, objects, out);
        assertEquals(0, r.code, r.output);
        assertArrayEquals(Files.readAllBytes(db), Files.readAllBytes(out));

        // A flipped byte in one page set: the script refuses it by the object's name.
        String setName = layers.get(1).get("object").asText();
        Path set = objects.resolve(setName.substring(0, 2)).resolve(setName);
        byte[] b = Files.readAllBytes(set);
        b[b.length - 1] ^= 1;
        Files.write(set, b);
        Result bad = run(entryFile, objects, dir.resolve("bad.db"));
        assertNotEquals(0, bad.code);
        assertTrue(bad.output.contains("damaged"), bad.output);
    }

    @Test
    void aWrongPageCountIsCaughtByTheWholeDatabaseHash() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/jq")), "needs jq (apt-get install jq; .ci/run installs it)");
        PageStorageTest chain = new PageStorageTest();
        chain.dir = dir;
        chainOfDays(chain);
        PageStorageTest.Capture last = chain.lastCapture;
        Path objects = dir.resolve("objects");
        ObjectNode entry = JSON.createObjectNode();
        entry.put("sha256", last.map().sha256()).put("pageSize", last.map().pageSize()).put("pageCount", last.map().pageCount() - 1);
        ArrayNode layers = entry.putArray("layers");
        layers.addObject().put("object", storeObject(last.layers().get(0).object(), "plain", objects));
        for (PageStorageTest.StoredLayer l : last.layers().subList(1, last.layers().size())) {
            ArrayNode runs = layers.addObject().put("object", storeObject(l.object(), "plain", objects)).putArray("runs");
            l.runs().forEach(r -> runs.addArray().add(r.first()).add(r.count()));
        }
        Path entryFile = dir.resolve("entry.json");
        Files.writeString(entryFile, JSON.writeValueAsString(entry));
        Result r = run(entryFile, objects, dir.resolve("short.db"));
        assertNotEquals(0, r.code);
        assertTrue(r.output.contains("not the manifest's"), r.output);
    }

    /** Three days of small changes through the same policy as the repository; returns the live database. */
    private static Path chainOfDays(PageStorageTest chain) throws Exception {
        Path db = chain.newDatabaseForTests(4096);
        Random r = new Random(11);
        PageStorageTest.insertChats(db, r, 1200, 1000);
        PageStorageTest.Capture c = null;
        for (int day = 0; day < 3; day++) {
            PageStorageTest.insertChats(db, r, 10, 1000);
            c = chain.storeForTests(chain.imageForTests(db, "day" + day), c);
        }
        chain.lastCapture = c;
        return db;
    }

    /** Stores a layer file as the repository would: encoded, named by the SHA-256 of the stored bytes. */
    private static String storeObject(Path layer, String storage, Path objects) throws IOException, InterruptedException {
        Path stored = layer;
        if (storage.equals("zstd")) {
            stored = layer.resolveSibling(layer.getFileName() + ".zst");
            Process p = new ProcessBuilder("zstd", "-q", "-f", "-3", layer.toString(), "-o", stored.toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
        String name = PageSets.sha256(stored);
        Path dest = objects.resolve(name.substring(0, 2)).resolve(name);
        Files.createDirectories(dest.getParent());
        Files.copy(stored, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return name;
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path entry, Path objects, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("bash", SCRIPT.toString(), entry.toString(), objects.toString(), out.toString()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}
