package dev.owui.backup.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Reads and writes manifest.json. Jackson, because JSON is not our core. */
public final class ManifestCodec {
    /** The JSON settings of every file the format writes (manifests, damage records). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A newer tool may add fields; an older reader still understands what it knows.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestCodec() {
    }

    public static byte[] write(Manifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    /** Parses a manifest; where names the file for the error message. */
    public static Manifest read(InputStream in, String where) {
        Manifest m;
        try {
            m = MAPPER.readValue(in, Manifest.class);
        } catch (IOException e) {
            throw unreadable(where, e);
        }
        if (m.files() == null) {
            throw new OwuiException("unreadable manifest " + where + ": no file list",
                    "the backup is damaged; verify it with owui:verify and use another backup");
        }
        return check(m, where);
    }

    /**
     * Parses a manifest's header, stopping where the file list begins (it is written last), so
     * listing many large backups stays fast. The result's {@code files} is empty.
     */
    public static Manifest readSummary(InputStream in, String where) {
        ObjectNode header = MAPPER.createObjectNode();
        try (JsonParser p = MAPPER.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("files")) {
                    break;
                }
                header.set(name, MAPPER.readTree(p));
            }
            Manifest m = MAPPER.treeToValue(header, Manifest.class);
            return check(new Manifest(m.format(), m.formatVersion(), m.toolVersion(), m.instance(), m.backupId(), m.host(),
                    m.dataDir(), m.mode(), m.startedAt(), m.finishedAt(), m.openWebUi(), m.totals(), m.storage(), List.of()), where);
        } catch (IOException e) {
            throw unreadable(where, e);
        }
    }

    private static OwuiException unreadable(String where, IOException e) {
        return new OwuiException("unreadable manifest " + where + ": " + e.getMessage(),
                "the backup is damaged; verify it with owui:verify and use another backup");
    }

    private static Manifest check(Manifest m, String where) {
        if (m.format() == null || m.totals() == null) {
            throw new OwuiException("unreadable manifest " + where + ": format or totals missing",
                    "the backup is damaged; verify it with owui:verify and use another backup");
        }
        if (!Manifest.FORMAT.equals(m.format())) {
            throw new OwuiException(where + " is not an owui backup manifest (format " + m.format() + ")", null);
        }
        if (m.formatVersion() > Manifest.FORMAT_VERSION) {
            throw new OwuiException(where + " has format version " + m.formatVersion()
                    + ", newer than this tool understands (" + Manifest.FORMAT_VERSION + ")",
                    "use the owui backup version that wrote it (" + m.toolVersion() + ") or newer");
        }
        return m;
    }
}
