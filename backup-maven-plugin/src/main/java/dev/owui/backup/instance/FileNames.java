package dev.owui.backup.instance;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether Java sees a file name as it is on disk.
 *
 * <p>On Linux a name is a string of bytes. Java decodes it with {@code sun.jnu.encoding} (UTF-8
 * only when the locale says so) and replaces what it cannot decode with U+FFFD, so two names that
 * differ only in invalid bytes ({@code r-\xe9.txt}, {@code r-\xff.txt}) become the same string,
 * and a manifest records a name that is not the file's. {@link Path#toString()} is lossy, but the
 * Path keeps the bytes and {@link Path#toUri()} percent-encodes exactly those bytes: that is the
 * one public way to read them back, used here to compare the bytes on disk with the UTF-8 of the
 * string the manifest would record.
 */
final class FileNames {
    private FileNames() {
    }

    /** A name element whose bytes on disk are not the UTF-8 of what Java calls it. */
    record Unfaithful(Path parent, byte[] raw) {
        /** The name as bytes would be typed in bash's $'…': valid UTF-8 as text, other bytes as \xNN, '\' as '\\'. */
        String escaped() {
            return escape(raw);
        }

        boolean isValidUtf8() {
            return FileNames.isValidUtf8(raw);
        }
    }

    /**
     * The first name element of {@code relCount} trailing elements of {@code abs} that Java does
     * not represent faithfully, or null when all are faithful. {@code rel} is the '/'-joined string
     * of those elements, as the manifest would record it.
     */
    static Unfaithful firstUnfaithful(Path abs, String rel, int relCount) {
        if (rel.chars().allMatch(c -> c < 0x80)) {
            return null; // ASCII: decoded the same by every charset a Linux locale can have, and the common case
        }
        byte[][] raw = rawElements(abs);
        int first = raw.length - relCount;
        Path parent = abs;
        for (int i = 0; i < relCount; i++) {
            parent = parent.getParent();
        }
        for (int i = 0; i < relCount; i++) {
            Path name = abs.getName(abs.getNameCount() - relCount + i);
            if (!Arrays.equals(raw[first + i], name.toString().getBytes(StandardCharsets.UTF_8))) {
                return new Unfaithful(parent, raw[first + i]);
            }
            parent = parent.resolve(name);
        }
        return null;
    }

    /** The bytes of each name element of an absolute path, as they are on disk. */
    static byte[][] rawElements(Path abs) {
        String path = abs.toUri().getRawPath(); // "/a/b%E9/c", '/' appended for a directory
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] parts = path.substring(1).split("/", -1);
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = percentDecode(parts[i]);
        }
        return out;
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.write(c); // toUri leaves only ASCII unescaped
            }
        }
        return b.toByteArray();
    }

    static boolean isValidUtf8(byte[] raw) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static String escape(byte[] raw) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length * 2 + 4);
        StringBuilder sb = new StringBuilder();
        while (true) {
            CoderResult r = d.decode(in, out, true);
            out.flip();
            sb.append(out.toString().replace("\\", "\\\\"));
            out.clear();
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) {
                    sb.append(String.format("\\x%02x", in.get() & 0xff));
                }
            } else if (r.isUnderflow()) {
                break;
            }
        }
        return sb.toString();
    }
}
