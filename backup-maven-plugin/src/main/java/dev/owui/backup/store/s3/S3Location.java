package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import java.nio.charset.StandardCharsets;

/**
 * Where an S3 target lives: {@code s3://bucket[/prefix]}, and the object keys of the backup
 * format under it ({@code <prefix>/<instance>/<backup id>/<path>}). Keys are plain UTF-8 strings;
 * the SDK percent-encodes them on the wire, so spaces, quotes, backslashes and non-ASCII names
 * need no escaping here. S3 caps a key at 1024 bytes, which {@link #key} checks with a clear error.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing slash, empty for the bucket's root
 */
record S3Location(String bucket, String prefix) {
    /** S3's limit on an object key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    static S3Location parse(String url) {
        if (!url.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new OwuiException("target " + url + " is not an s3:// URL", "write it as s3://bucket or s3://bucket/prefix");
        }
        String rest = url.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        // S3's bucket naming rules, loosely: compatible services (B2, MinIO) accept a few more.
        if (!bucket.matches("[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}")) {
            throw new OwuiException("target " + url + " names no valid bucket ('" + bucket + "')",
                    "write it as s3://bucket/prefix, with the bucket's name as the S3 console shows it");
        }
        return new S3Location(bucket, prefix);
    }

    /** The URL as the operator would write it. */
    String url() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** The key prefix (ending in '/', or empty) under which the instances' folders are. */
    String root() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    String instancePrefix(String instance) {
        return root() + instance + "/";
    }

    String backupPrefix(String instance, String backupId) {
        return instancePrefix(instance) + backupId + "/";
    }

    String locksPrefix(String instance) {
        return instancePrefix(instance) + "locks/";
    }

    /** The key of one file of a backup; refuses a path that is not a plain relative path or makes the key too long. */
    String key(String instance, String backupId, String path) {
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("not a relative path: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path escapes the backup tree or is not normalized: " + path);
            }
        }
        return checked(backupPrefix(instance, backupId) + path, path);
    }

    /** {@code key} unchanged when S3 can store it, else an error naming the file and the limit. */
    String checked(String key, String path) {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new OwuiException("cannot store " + path + " at " + url() + ": its object key would be " + bytes
                    + " bytes, over S3's limit of " + MAX_KEY_BYTES,
                    "rename the file in the data directory, or use a shorter prefix or instance name");
        }
        return key;
    }
}
