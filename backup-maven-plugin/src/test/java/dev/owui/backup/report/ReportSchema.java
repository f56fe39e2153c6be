package dev.owui.backup.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates reports against the published schema (networknt's validator, draft 2020-12), twice:
 * as published, and with every object closed (additionalProperties false), so that a field the
 * code writes but the schema does not document fails the test instead of slipping by.
 */
public final class ReportSchema {
    public static final String RESOURCE = "/dev/owui/backup/report/owui-report-1.schema.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema published;
    private static Schema closed;

    private ReportSchema() {
    }

    private static synchronized void load() {
        if (published != null) {
            return;
        }
        try (InputStream in = ReportSchema.class.getResourceAsStream(RESOURCE)) {
            JsonNode schema = JSON.readTree(in);
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
            published = registry.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
            JsonNode strict = schema.deepCopy();
            close(strict);
            closed = registry.getSchema(JSON.writeValueAsString(strict), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(JsonNode node) {
        // Only object schemas: if/then nodes also hold "properties", and closing them would change their meaning.
        if (node instanceof ObjectNode o && "object".equals(o.path("type").asText()) && o.has("properties") && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        node.forEach(ReportSchema::close);
    }

    /** Validates the JSON text; returns it parsed. Fails listing every violation. */
    public static JsonNode validate(String json) {
        load();
        List<Error> errors = published.validate(json, InputFormat.JSON);
        assertTrue(errors.isEmpty(), "against the schema: " + errors + "\n" + json);
        errors = closed.validate(json, InputFormat.JSON);
        assertTrue(errors.isEmpty(), "fields the schema does not document: " + errors + "\n" + json);
        try {
            JsonNode doc = JSON.readTree(json);
            assertEquals("owui-report", doc.get("schema").asText());
            assertEquals(JsonReport.VERSION, doc.get("schemaVersion").asInt());
            return doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validates a report file (and that it is private: mode 0600). */
    public static JsonNode validate(Path file) throws IOException {
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "a report is private");
        return validate(Files.readString(file));
    }
}
