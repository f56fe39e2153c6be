package dev.owui.backup.maven;

import dev.owui.backup.store.TargetSpec;

/**
 * One {@code <target>} of the plugin's {@code <targets>}: Maven fills the fields by name. No
 * secrets here: {@code serverId} names a settings.xml server.
 */
public class TargetConfig {
    /** The name plans use. */
    String id;
    /** A directory, sftp://user@host[:port]/path or s3://bucket/prefix. */
    String url;
    /** The settings.xml server with its credentials (SSH login, or S3 access key id + secret key). */
    String serverId;
    /** S3 region. */
    String region;
    /** S3-compatible endpoint (B2, R2, MinIO, Wasabi…). */
    String endpoint;
    /** S3 path-style addressing. */
    Boolean pathStyle;

    TargetSpec toSpec() {
        return new TargetSpec(id, url, serverId, region, endpoint, pathStyle);
    }
}
