package dev.owui.backup.testkit;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a Python pickle (protocol 4) of nested dicts of str/int, enough to mimic Chroma's
 * {@code index_metadata.pickle}; {@code pickle.load} reads the result back as plain dicts.
 */
final class Pickle {

    private final DataOutputStream out;

    private Pickle(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    static void write(OutputStream out, Map<String, ?> dict) throws IOException {
        Pickle p = new Pickle(out);
        p.out.write(new byte[] {(byte) 0x80, 4});   // PROTO 4
        p.value(dict);
        p.out.write('.');                          // STOP
        p.out.flush();
    }

    private void value(Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            out.write('}');                        // EMPTY_DICT
            out.write('(');                        // MARK
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
            out.write('u');                        // SETITEMS
        } else if (v instanceof List<?> l) {
            out.write(']');                        // EMPTY_LIST
            out.write('(');
            for (Object o : l) {
                value(o);
            }
            out.write('e');                        // APPENDS
        } else if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length < 256) {
                out.write(0x8c);                   // SHORT_BINUNICODE
                out.write(b.length);
            } else {
                out.write('X');                    // BINUNICODE
                out.writeInt(Integer.reverseBytes(b.length));
            }
            out.write(b);
        } else if (v instanceof Number n) {
            long x = n.longValue();
            if (x == (int) x) {
                out.write('J');                    // BININT, little-endian
                out.writeInt(Integer.reverseBytes((int) x));
            } else {
                out.write(0x8a);                   // LONG1, 8 bytes little-endian
                out.write(8);
                out.writeLong(Long.reverseBytes(x));
            }
        } else {
            throw new IllegalArgumentException("cannot pickle " + v);
        }
    }
}
