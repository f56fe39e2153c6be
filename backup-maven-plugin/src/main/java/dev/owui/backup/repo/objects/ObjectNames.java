package dev.owui.backup.repo.objects;

/** Object names (the SHA-256 of the stored bytes, 64 lower-case hex) and their place {@code objects/<2 hex>/<64 hex>}. */
public final class ObjectNames {
    public static final String DIR = "objects/";

    private ObjectNames() {
    }

    public static boolean isName(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The repository-relative key of the object {@code name}. */
    public static String relativeKey(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("not an object name (64 lower-case hex): " + name);
        }
        return DIR + name.substring(0, 2) + "/" + name;
    }

    /** The name in a repository-relative key found in a listing, or null when the key is not an object's. */
    public static String nameOf(String relativeKey) {
        if (!relativeKey.startsWith(DIR) || relativeKey.length() != DIR.length() + 3 + 64) {
            return null;
        }
        String name = relativeKey.substring(DIR.length() + 3);
        return isName(name) && relativeKey.startsWith(name.substring(0, 2) + "/", DIR.length()) ? name : null;
    }
}
