package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.external.ExternalRestore;
import dev.owui.backup.external.StorageProvider;
import dev.owui.backup.store.Credentials;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where Open WebUI keeps uploads when STORAGE_PROVIDER=s3 (FORMAT.md, "Uploads in object
 * storage"), built once from owui.storage.* and validated before any work.
 *
 * @param provider        the provider to read (backup) and write (restore), or null: none
 * @param restoreToFolder restore writes the objects as files beside the data directory even with a provider
 */
public record ObjectStorageConfig(StorageProvider provider, boolean restoreToFolder) {
    public static final ObjectStorageConfig NONE = new ObjectStorageConfig(null, false);

    /**
     * Reads the owui.storage.* parameters.
     *
     * @param provider    none (default) or s3; gcs and azure are refused
     * @param endpoint    the S3-compatible endpoint (S3_ENDPOINT_URL), or null for AWS
     * @param region      the region (S3_REGION_NAME), or null
     * @param pathStyle   path-style addressing, or null for the default
     * @param serverId    the settings.xml server with the access key (username) and secret key (password), or null
     *                    for the AWS default credentials
     * @param credentials looks a settings.xml server up (fails naming a missing one)
     * @param environment the process environment (AWS_* for the default credentials)
     */
    public static ObjectStorageConfig of(String provider, String endpoint, String region, Boolean pathStyle, String serverId,
                                         boolean restoreToFolder, Function<String, Credentials> credentials, Map<String, String> environment) {
        String p = provider == null || provider.isBlank() ? "none" : provider.strip().toLowerCase(Locale.ROOT);
        switch (p) {
            case "none" -> {
                String stray = given(endpoint) ? "owui.storage.endpoint" : given(region) ? "owui.storage.region"
                        : pathStyle != null ? "owui.storage.pathStyle" : given(serverId) ? "owui.storage.serverId" : null;
                if (stray != null) {
                    throw new OwuiException(stray + " is set but owui.storage.provider is none",
                            "set owui.storage.provider=s3 to copy the uploads Open WebUI keeps in S3, or unset " + stray);
                }
                return new ObjectStorageConfig(null, restoreToFolder);
            }
            case "s3" -> {
                Credentials key = null;
                if (given(serverId)) {
                    try {
                        key = credentials.apply(serverId);
                    } catch (OwuiException e) {
                        throw new OwuiException(e.getMessage() + " (owui.storage.serverId)",
                                "add <servers><server><id>" + serverId + "</id><username>ACCESS KEY ID</username><password>SECRET KEY</password>"
                                        + "</server></servers> to ~/.m2/settings.xml, or unset owui.storage.serverId for the AWS default credentials", e);
                    }
                }
                StorageProvider s3 = new StorageProvider(given(endpoint) ? endpoint.strip() : null, given(region) ? region.strip() : null,
                        pathStyle, given(serverId) ? serverId : null, key, environment, null);
                return new ObjectStorageConfig(s3, restoreToFolder);
            }
            case "gcs", "azure" -> throw new OwuiException("owui.storage.provider=" + p + " is not supported: only s3 (and S3-compatible services)"
                    + " is copied into backups", "unset owui.storage.provider: the backup lists the " + p + " objects (openWebUi.externalFiles)"
                    + " without holding them; copy that bucket with the provider's own tools");
            default -> throw new OwuiException("owui.storage.provider '" + provider + "' is not one of none, s3",
                    "set owui.storage.provider=s3 (Open WebUI's STORAGE_PROVIDER=s3) or leave it unset");
        }
    }

    private static boolean given(String s) {
        return s != null && !s.isBlank();
    }

    /** Where a restore puts the objects: back into their buckets (an object with other content only with {@code force}), or null: as files beside the data directory. */
    public ExternalRestore.Destination destination(boolean force) {
        return provider == null || restoreToFolder ? null : ExternalRestore.Destination.bucket(provider, force);
    }

    @Override
    public String toString() {
        return provider == null ? "ObjectStorageConfig[none]" : "ObjectStorageConfig[s3 " + (provider.endpoint() == null ? "AWS" : provider.endpoint())
                + (provider.serverId() == null ? "" : ", server " + provider.serverId()) + (restoreToFolder ? ", restore to folder" : "") + "]";
    }
}
