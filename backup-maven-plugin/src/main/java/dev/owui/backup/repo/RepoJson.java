package dev.owui.backup.repo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper of the format 3 repository: compact (an entry is one line of a chunk),
 * ISO-8601 times, unknown fields ignored (a newer tool may add some; an older reader still
 * understands what it knows).
 */
public final class RepoJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RepoJson() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses {@code in} as a {@code type}; {@code where} names the object in the error. */
    public static <T> T read(InputStream in, Class<T> type, String where) {
        try (in) {
            return MAPPER.readValue(in, type);
        } catch (IOException e) {
            throw new OwuiException("unreadable " + where + ": " + e.getMessage(),
                    "the repository is damaged there; run owui:verify, and delete or restore that object from another copy");
        }
    }
}
