package dev.owui.backup.store;

import dev.owui.backup.OwuiException;

/**
 * One target as the operator configured it: an id (for plans and messages), the URL, and the
 * options only some schemes read. Carries no secret: credentials are looked up by
 * {@code serverId} in settings.xml when the target is opened.
 *
 * @param id        the name plans refer to; the URL when the target was given on its own
 * @param url       a path, {@code file:}, {@code sftp://[user@]host[:port]/path} or {@code s3://bucket[/prefix]}
 * @param serverId  the settings.xml server holding its credentials (SSH login or S3 access key), or null
 * @param region    S3 region (default us-east-1 when an endpoint is given, else the provider chain's)
 * @param endpoint  S3-compatible endpoint URL (B2, R2, MinIO, Wasabi…), or null for AWS
 * @param pathStyle S3 path-style addressing (most S3-compatible services want it); null = by endpoint
 */
public record TargetSpec(String id, String url, String serverId, String region, String endpoint, Boolean pathStyle) {

    public TargetSpec {
        if (url == null || url.isBlank()) {
            throw new OwuiException("target " + (id == null ? "" : "'" + id + "' ") + "has no url",
                    "give it a directory, sftp://user@host/path or s3://bucket/prefix");
        }
        url = url.trim();
        if (id == null || id.isBlank()) {
            id = url;
        }
    }

    /** A target given only by its URL (owui.target), with the goal's server id. */
    public static TargetSpec of(String url, String serverId) {
        if (url == null || url.isBlank()) {
            throw new OwuiException("no target given", "set owui.target to a directory (a local disk or a mounted NAS), e.g. -Dowui.target=/srv/backups/owui");
        }
        return new TargetSpec(null, url, serverId, null, null, null);
    }

    /** The URL's scheme in lower case, or "file" for a plain path. */
    public String scheme() {
        int colon = url.indexOf(':');
        if (colon > 1 && url.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
            return url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        }
        return "file";
    }
}
