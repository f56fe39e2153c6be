package dev.owui.backup.format;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;

/** Reads and writes manifest.json. Jackson, because JSON is not our core. */
public final class ManifestCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
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
            throw new OwuiException("unreadable manifest " + where + ": " + e.getMessage(),
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
