package dev.owui.backup.repo.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Key rules shared by every store, and the names of temp files. A temp file carries '~', which
 * no key may hold, so a temp can never be taken for an object (and a listing skips it by name).
 */
final class Keys {
    /** Leaves room in a 255-byte file name for the temp suffix. */
    static final int MAX_COMPONENT = 200;
    /** Well under S3's 1024-byte limit, leaving room for the target's prefix. */
    static final int MAX_KEY = 768;
    /** Marks a temp file: {@code <name>~owui-tmp-<16 hex>} in the object's own folder. */
    static final String TEMP_MARK = "~owui-tmp-";

    private Keys() {
    }

    /** {@code key} unchanged when it is a valid key; otherwise IllegalArgumentException saying why. */
    static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty object key");
        }
        if (key.length() > MAX_KEY) {
            throw new IllegalArgumentException("object key longer than " + MAX_KEY + " characters: " + key.substring(0, 40) + "…");
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("object key must be relative (no leading '/'): " + key);
        }
        for (String c : key.split("/", -1)) {
            checkComponent(c, key);
        }
        return key;
    }

    /**
     * A listing prefix: "" or a key's beginning. The folders before its last '/' must be valid
     * components; what follows is only a filter on names (so ".." there escapes nothing), of key
     * characters.
     */
    static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("null prefix");
        }
        if (prefix.startsWith("/")) {
            throw new IllegalArgumentException("prefix must be relative (no leading '/'): " + prefix);
        }
        int slash = prefix.lastIndexOf('/');
        if (slash >= 0) {
            for (String c : prefix.substring(0, slash).split("/", -1)) {
                checkComponent(c, prefix);
            }
        }
        String tail = prefix.substring(slash + 1);
        if (!tail.isEmpty() && !tail.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("character not allowed in prefix (only A-Z a-z 0-9 . _ - and '/'): " + prefix);
        }
        return prefix;
    }

    private static void checkComponent(String c, String whole) {
        if (c.isEmpty()) {
            throw new IllegalArgumentException("empty component ('//' or a trailing '/') in object key: " + whole);
        }
        if (c.equals(".") || c.equals("..")) {
            throw new IllegalArgumentException("'" + c + "' in object key: " + whole);
        }
        if (c.length() > MAX_COMPONENT) {
            throw new IllegalArgumentException("component longer than " + MAX_COMPONENT + " characters in object key: " + whole);
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-')) {
                throw new IllegalArgumentException("character '" + ch + "' not allowed in object key (only A-Z a-z 0-9 . _ - and '/'): " + whole);
            }
        }
    }

    /** Whether a file name found in a store's folder could be a key's component (else it is skipped). */
    static boolean isComponent(String name) {
        if (name.isEmpty() || name.length() > MAX_COMPONENT || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-')) {
                return false;
            }
        }
        return true;
    }

    static boolean isTemp(String name) {
        return name.contains(TEMP_MARK);
    }

    /** A fresh temp name beside the object named {@code name}. */
    static String tempName(String name) {
        // Not String.format: its parsing cost more than the write of a small object.
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return name + TEMP_MARK + "0".repeat(16 - hex.length()) + hex;
    }

    /** A tree path for {@link HardLinks#link}: any names, but relative and without empty, "." or ".." components. */
    static String checkTreePath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("not a relative path: " + path);
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in path: " + path);
        }
        for (String c : path.split("/", -1)) {
            if (c.isEmpty() || c.equals(".") || c.equals("..")) {
                throw new IllegalArgumentException("path escapes the store or is not normalized: " + path);
            }
        }
        return path;
    }

    /** The folder part of a key ("" for a key at the root). */
    static String parent(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
