package dev.owui.backup.store.sftp;

/** Joining and checking the '/'-separated paths of an SFTP server. */
final class RemotePaths {
    private RemotePaths() {
    }

    static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@code root/rel} for a relative path of a backup tree, refusing one that climbs out of it. */
    static String under(String root, String rel) {
        if (rel.isEmpty() || rel.startsWith("/")) {
            throw new IllegalArgumentException("not a relative path: " + rel);
        }
        for (String segment : rel.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path escapes the backup tree or is not normalized: " + rel);
            }
        }
        return join(root, rel);
    }

    /** A path in single quotes for a POSIX shell command line shown to the operator. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
