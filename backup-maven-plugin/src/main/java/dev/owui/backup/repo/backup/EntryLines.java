package dev.owui.backup.repo.backup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.owui.backup.repo.RepoJson;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads one entry line. A backup with nothing changed reads every entry of the previous one (a
 * million at a million files), and Jackson's data binding of the record, with its ISO-8601
 * parser for each mtime, was the largest part of such a backup's time; the common lines (files,
 * folders, symlinks, the secret key: flat objects of strings and numbers, times as
 * {@link Instant#toString()} writes them) are read here with the streaming parser instead. Any
 * other line (a database's layers, a field this version does not know, anything unexpected) goes
 * through data binding, which reads it exactly as before and reports what is wrong with it.
 */
final class EntryLines {
    private EntryLines() {
    }

    static Entry parse(String line) throws IOException {
        Entry e = fast(line);
        return e != null ? e : RepoJson.MAPPER.readValue(line, Entry.class);
    }

    /** The entry, or null when the line is not one of the simple kinds. */
    static Entry fast(String line) throws IOException {
        String path = null;
        String type = null;
        Long size = null;
        String sha256 = null;
        Instant mtime = null;
        String mode = null;
        String storage = null;
        String object = null;
        Long storedSize = null;
        String linkTarget = null;
        String etag = null;
        try (JsonParser p = RepoJson.MAPPER.getFactory().createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                t = p.nextToken();
                if (t == JsonToken.VALUE_STRING) {
                    String v = p.getText();
                    switch (f) {
                        case "path" -> path = v;
                        case "type" -> type = v;
                        case "sha256" -> sha256 = v;
                        case "mtime" -> {
                            mtime = instant(v);
                            if (mtime == null) {
                                return null;
                            }
                        }
                        case "mode" -> mode = v;
                        case "storage" -> storage = v;
                        case "object" -> object = v;
                        case "linkTarget" -> linkTarget = v;
                        case "etag" -> etag = v;
                        default -> {
                            return null;
                        }
                    }
                } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    switch (f) {
                        case "size" -> size = p.getLongValue();
                        case "storedSize" -> storedSize = p.getLongValue();
                        default -> {
                            return null;
                        }
                    }
                } else {
                    return null;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        }
        return new Entry(path, type, size, sha256, mtime, mode, storage, object, storedSize, linkTarget,
                null, null, null, null, etag, null);
    }

    /**
     * {@code uuuu-MM-ddTHH:mm:ss[.f…]Z} as {@link Instant#toString()} writes years 0–9999, else null
     * (the caller then reads the line with data binding, which knows every form).
     */
    static Instant instant(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int digits = n - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        } else if (n != 20) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException invalid) {
            return null;
        }
        return Instant.ofEpochSecond(date.toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in s[from, to), or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
