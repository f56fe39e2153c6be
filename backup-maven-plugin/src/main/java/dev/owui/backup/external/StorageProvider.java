package dev.owui.backup.external;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.s3.S3Access;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Where Open WebUI keeps its uploads when {@code STORAGE_PROVIDER=s3}: the service's endpoint,
 * region and addressing, and the key to read (backup) or write (restore) its bucket. The bucket
 * itself comes from each {@code file} row ({@code s3://<bucket>/<key>}), so one provider serves
 * every bucket the rows name. Only S3 (and S3-compatible services) is read; Open WebUI's
 * {@code gcs} and {@code azure} providers are listed in the backup's facts but not copied.
 *
 * @param endpoint     the S3-compatible endpoint ({@code S3_ENDPOINT_URL}), or null for AWS
 * @param region       the region ({@code S3_REGION_NAME}); null: us-east-1 with an endpoint, else the AWS chain's
 * @param pathStyle    path-style addressing ({@code S3_ADDRESSING_STYLE=path}); null: with an endpoint
 * @param serverId     the settings.xml server the credentials come from (for messages), or null for the
 *                     AWS default credentials (environment, profile, instance role)
 * @param credentials  that server's access key id (username) and secret key (password), resolved by the
 *                     caller; never printed ({@link Credentials#toString()} hides the secret)
 * @param environment  the process environment (AWS_* for the default chain), or null
 * @param interceptors SDK interceptors (tests count the requests), or null
 */
public record StorageProvider(String endpoint, String region, Boolean pathStyle, String serverId, Credentials credentials,
                              Map<String, String> environment, List<ExecutionInterceptor> interceptors) {
    public StorageProvider {
        if (serverId != null && credentials == null) {
            throw new IllegalArgumentException("server '" + serverId + "' given without its credentials");
        }
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
    }

    /** An S3 provider whose key is the settings.xml server {@code serverId} (already looked up). */
    public static StorageProvider s3(String endpoint, String region, Boolean pathStyle, String serverId, Credentials credentials) {
        return new StorageProvider(endpoint, region, pathStyle, serverId, credentials, null, null);
    }

    public StorageProvider withInterceptors(List<ExecutionInterceptor> list) {
        return new StorageProvider(endpoint, region, pathStyle, serverId, credentials, environment, list);
    }

    /** A client for {@code bucket}, built exactly as an S3 target's (signed payloads, retries, region rules). */
    S3Access open(String bucket) {
        TargetSpec spec = new TargetSpec("object storage", "s3://" + bucket, serverId, region, endpoint, pathStyle);
        TargetContext ctx = new TargetContext(Path.of("."), false, id -> {
            throw new UnsupportedOperationException("no SSH for object storage");
        }, id -> credentials, environment);
        try {
            return S3Access.open(spec, ctx, interceptors);
        } catch (OwuiException e) {
            throw named(bucket, e);
        }
    }

    /** How the operator recognises this provider in a message: kind, bucket, endpoint and where the key comes from. */
    String describe(String bucket) {
        return "Open WebUI's object storage (STORAGE_PROVIDER=s3, bucket " + bucket + " at "
                + (endpoint == null ? "AWS S3" + (region == null ? "" : " " + region) : endpoint)
                + (serverId == null ? ", AWS default credentials" : ", key of settings.xml server '" + serverId + "'") + ")";
    }

    /** A failed call, said as the provider's (the S3 target's wording names owui.s3.* settings; these are owui.storage.*). */
    OwuiException failure(S3Access a, String bucket, String doing, SdkException e) {
        return named(bucket, a.failure(doing, e));
    }

    OwuiException named(String bucket, OwuiException e) {
        String remedy = e.remedy() == null ? null : e.remedy()
                .replace("owui.s3.region (or the target's <region>)", "owui.storage.region")
                .replace("owui.s3.endpoint (or the target's <endpoint>)", "owui.storage.endpoint")
                .replace("owui.s3.endpoint", "owui.storage.endpoint")
                .replace("set owui.serverId", "set owui.storage.serverId")
                .replace("earlier backups are untouched", "nothing was changed at the provider");
        return new OwuiException(describe(bucket) + ": " + e.problem(), remedy, e);
    }
}
