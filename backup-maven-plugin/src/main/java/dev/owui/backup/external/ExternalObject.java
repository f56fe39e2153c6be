package dev.owui.backup.external;

import java.util.Locale;

/**
 * One {@code file} row's upload kept outside the data directory, as Open WebUI writes its
 * {@code path} (backend/open_webui/storage/provider.py): {@code s3://<S3_BUCKET_NAME>/<key>}
 * with the key {@code os.path.join(S3_KEY_PREFIX, filename)}; {@code gs://<GCS_BUCKET_NAME>/<filename>};
 * {@code <AZURE_STORAGE_ENDPOINT>/<container>/<filename>} for Azure (an https URL). Open WebUI takes the
 * key as everything after the bucket, so do we.
 *
 * @param row      the row's path, as stored
 * @param provider "s3", "gcs", "azure" or null when the URL is none of these
 * @param bucket   the bucket (s3, gcs), or null
 * @param key      the object's key in the bucket (s3, gcs), or null
 */
public record ExternalObject(String row, String provider, String bucket, String key) {
    /**
     * Where the backup keeps such uploads: beside the secret key, outside the data directory's own
     * paths ({@code _outside-data-dir/}), so no restore ever writes them into the data directory.
     */
    public static final String ROOT = "_outside-data-dir/object-storage";

    public static ExternalObject parse(String row) {
        String lower = row.toLowerCase(Locale.ROOT);
        for (String[] scheme : new String[][] {{"s3://", "s3"}, {"gs://", "gcs"}}) {
            if (lower.startsWith(scheme[0])) {
                String rest = row.substring(scheme[0].length());
                int slash = rest.indexOf('/');
                if (slash <= 0 || slash == rest.length() - 1) {
                    return new ExternalObject(row, scheme[1], null, null);
                }
                return new ExternalObject(row, scheme[1], rest.substring(0, slash), rest.substring(slash + 1));
            }
        }
        if (lower.startsWith("https://") && lower.contains(".blob.core.windows.net/")) {
            return new ExternalObject(row, "azure", null, null);
        }
        return new ExternalObject(row, null, null, null);
    }

    /**
     * The backup path of the object ({@code _outside-data-dir/object-storage/s3/<bucket>/<key>}), or
     * null when the key cannot be one (an empty, "." or ".." segment: no restore could place it safely).
     */
    public String path() {
        if (bucket == null || key == null) {
            return null;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return ROOT + "/" + provider + "/" + bucket + "/" + key;
    }

    /** The object a backup path names ({@link #path()} read back), or null when it is not such a path. */
    public static ExternalObject ofPath(String path) {
        String prefix = ROOT + "/s3/";
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return null;
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        return new ExternalObject("s3://" + bucket + "/" + key, "s3", bucket, key);
    }
}
