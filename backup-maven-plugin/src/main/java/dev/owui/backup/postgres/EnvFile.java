package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an env file as Docker Compose reads {@code .env} (and {@code env_file:}): {@code KEY=VALUE}
 * lines, an optional {@code export } prefix, {@code #} comments (inline only after a blank in an
 * unquoted value), single quotes literal, double quotes with {@code \n \t \" \\} escapes and
 * possibly spanning lines, and {@code ${VAR}}, {@code ${VAR:-default}}, {@code $VAR} substituted
 * from earlier lines or the given environment (unquoted and double-quoted values, as Compose does).
 *
 * <p>Values are never shown in messages: the file is where operators keep passwords. A malformed
 * line is named by number and key.
 */
public final class EnvFile {
    private EnvFile() {
    }

    /** Reads {@code file}; {@code environment} supplies variables the file refers to but does not set. */
    public static Map<String, String> read(Path file, Map<String, String> environment) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OwuiException("cannot read the env file " + file + ": " + e.getMessage(),
                    "name the file Open WebUI's container reads its DATABASE_URL from (e.g. the compose project's .env)", e);
        }
        return parse(text, file.toString(), environment);
    }

    static Map<String, String> parse(String text, String where, Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text; // an editor's byte-order mark
        String[] lines = body.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ") || line.startsWith("export\t")) {
                line = line.substring(7).stripLeading();
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue; // "KEY" alone: Compose takes it from the environment; nothing for us to read
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw new OwuiException("line " + lineNo + " of " + where + " does not start with a variable name",
                        "write KEY=VALUE (a comment line starts with #)");
            }
            String raw = line.substring(eq + 1).stripLeading();
            String value;
            if (raw.startsWith("'")) {
                int end = raw.indexOf('\'', 1);
                if (end < 0) {
                    throw unclosed(lineNo, key, where, '\'');
                }
                value = raw.substring(1, end);
            } else if (raw.startsWith("\"")) {
                StringBuilder b = new StringBuilder();
                String rest = raw.substring(1);
                int j = 0;
                while (true) {
                    if (j >= rest.length()) {
                        // A double-quoted value may go on over the next lines.
                        if (i + 1 >= lines.length) {
                            throw unclosed(lineNo, key, where, '"');
                        }
                        b.append('\n');
                        rest = lines[++i];
                        j = 0;
                        continue;
                    }
                    char c = rest.charAt(j);
                    if (c == '\\' && j + 1 < rest.length()) {
                        char n = rest.charAt(j + 1);
                        switch (n) {
                            case 'n' -> b.append('\n');
                            case 't' -> b.append('\t');
                            case 'r' -> b.append('\r');
                            case '"', '\\', '$' -> b.append(n);
                            default -> b.append(c).append(n);
                        }
                        j += 2;
                    } else if (c == '"') {
                        break;
                    } else {
                        b.append(c);
                        j++;
                    }
                }
                value = substitute(b.toString(), out, environment, lineNo, key, where);
            } else {
                String v = raw;
                for (int k = 0; k < v.length(); k++) {
                    if (v.charAt(k) == '#' && k > 0 && Character.isWhitespace(v.charAt(k - 1))) {
                        v = v.substring(0, k);
                        break;
                    }
                }
                value = substitute(v.strip(), out, environment, lineNo, key, where);
            }
            out.put(key, value);
        }
        return Collections.unmodifiableMap(out);
    }

    private static OwuiException unclosed(int lineNo, String key, String where, char quote) {
        return new OwuiException("line " + lineNo + " of " + where + ": the value of " + key + " has no closing " + quote,
                "close the quote (the value itself is not shown here: it may be a password)");
    }

    private static String substitute(String v, Map<String, String> file, Map<String, String> env, int lineNo, String key, String where) {
        if (v.indexOf('$') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c != '$' || i + 1 >= v.length()) {
                b.append(c);
                i++;
                continue;
            }
            char n = v.charAt(i + 1);
            if (n == '$') {
                b.append('$'); // "$$" is a literal dollar in Compose
                i += 2;
            } else if (n == '{') {
                int close = v.indexOf('}', i + 2);
                if (close < 0) {
                    throw new OwuiException("line " + lineNo + " of " + where + ": the value of " + key + " has a ${ without }",
                            "close the ${NAME} (write $$ for a literal dollar sign)");
                }
                String expr = v.substring(i + 2, close);
                String name = expr;
                String fallback = null;
                boolean emptyCounts = false;
                int op = expr.indexOf(":-");
                if (op >= 0) {
                    name = expr.substring(0, op);
                    fallback = expr.substring(op + 2);
                    emptyCounts = true;
                } else if ((op = expr.indexOf('-')) >= 0) {
                    name = expr.substring(0, op);
                    fallback = expr.substring(op + 1);
                }
                String val = lookup(name, file, env);
                if (val == null || (emptyCounts && val.isEmpty())) {
                    val = fallback == null ? "" : fallback;
                }
                b.append(val);
                i = close + 1;
            } else if (Character.isLetter(n) || n == '_') {
                int j = i + 1;
                while (j < v.length() && (Character.isLetterOrDigit(v.charAt(j)) || v.charAt(j) == '_')) {
                    j++;
                }
                String val = lookup(v.substring(i + 1, j), file, env);
                b.append(val == null ? "" : val);
                i = j;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    private static String lookup(String name, Map<String, String> file, Map<String, String> env) {
        String v = file.get(name);
        return v != null ? v : env.get(name);
    }
}
