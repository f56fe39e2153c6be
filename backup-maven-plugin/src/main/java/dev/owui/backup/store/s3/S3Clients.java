package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;

/**
 * Builds the S3 client of a target, lean because every {@code mvn} run pays for it: an explicit
 * sync HTTP client (Apache 5; Netty's async stack is excluded from the build), an explicit
 * region, and with static credentials no AWS profile file is read at all.
 *
 * <p>What arrives is checked against its SHA-256 by the server: every upload is signed with SigV4
 * over its payload (payload signing forced on, chunked encoding off; the SDK's CRC32 off). Why not
 * S3's flexible checksums: docs/DESIGN-NOTES.md, "Upload integrity".
 *
 * <p>Retries: the SDK's standard strategy ({@link AwsRetryStrategy#standardRetryStrategy()}:
 * exponential backoff with full jitter, base 100 ms, capped at 20 s, throttling and 5xx and I/O
 * errors retried) with {@value #MAX_ATTEMPTS} attempts.
 */
final class S3Clients {
    /** Connections kept per target: owui.threads uploads (default 4) + 16 server-side copies at once + listings, with room to spare. */
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_ATTEMPTS = 5;

    static {
        // before the first SDK or HttpClient class loads and creates its loggers (see SdkLogging)
        SdkLogging.quiet();
    }

    private S3Clients() {
    }

    /** What the client was built with, for messages. */
    record Built(S3Client client, String region, String endpoint, String serverId) {
    }

    static Built create(TargetSpec spec, TargetContext ctx, S3Location loc, List<ExecutionInterceptor> interceptors) {
        Map<String, String> env = ctx.environment() == null ? Map.of() : ctx.environment();
        String endpoint = blankToNull(spec.endpoint());
        boolean pathStyle = spec.pathStyle() != null ? spec.pathStyle() : endpoint != null;
        AwsCredentialsProvider credentials = credentials(spec, ctx, env, loc);
        boolean defaultChain = credentials instanceof DefaultCredentialsProvider;
        Region region = region(spec, endpoint, env, loc);

        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build())
                .executionInterceptors(interceptors);
        if (!defaultChain) {
            // Nothing left for a profile to say: skip finding and parsing ~/.aws/config at start-up.
            override.defaultProfileFile(ProfileFile.builder().content(new ByteArrayInputStream(new byte[0]))
                    .type(ProfileFile.Type.CONFIGURATION).build());
        }
        var builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        // no "Expect: 100-continue" round trip before each body: bodies are at
                        // most one part (16 MiB) that a refusal wastes, and most files are small
                        .expectContinueEnabled(false)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)))
                .credentialsProvider(credentials)
                .region(region)
                .overrideConfiguration(override.build())
                // the SHA-256 travels as the signed payload hash; a CRC32 besides would be a pass for nothing
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(pathStyle)
                        .chunkedEncodingEnabled(false)
                        .build())
                .authSchemeProvider(signedPayloads());
        if (endpoint != null) {
            try {
                builder.endpointOverride(URI.create(endpoint));
            } catch (IllegalArgumentException e) {
                throw new OwuiException("target " + loc.url() + ": endpoint " + endpoint + " is not a URL",
                        "give owui.s3.endpoint (or the target's <endpoint>) as https://host[:port]");
            }
        }
        return new Built(builder.build(), region.id(), endpoint, blankToNull(spec.serverId()));
    }

    /** S3's own auth schemes with SigV4 payload signing forced on, so the server checks each body's SHA-256. */
    private static S3AuthSchemeProvider signedPayloads() {
        S3AuthSchemeProvider defaults = S3AuthSchemeProvider.defaultProvider();
        return params -> {
            List<AuthSchemeOption> options = defaults.resolveAuthScheme(params);
            return options.stream()
                    .map(o -> o.toBuilder().putSignerProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true).build())
                    .toList();
        };
    }

    private static AwsCredentialsProvider credentials(TargetSpec spec, TargetContext ctx, Map<String, String> env, S3Location loc) {
        String serverId = blankToNull(spec.serverId());
        if (serverId != null) {
            Credentials c = ctx.credentials().apply(serverId);
            if (c.username() == null || c.password() == null) {
                throw new OwuiException("server '" + serverId + "' in settings.xml has no " + (c.username() == null ? "username" : "password")
                        + " for target " + loc.url(),
                        "set <username> to the access key id and <password> to the secret key of server '" + serverId + "'");
            }
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(c.username(), c.password()));
        }
        String id = blankToNull(env.get("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(env.get("AWS_SECRET_ACCESS_KEY"));
        if (id != null && secret != null) {
            String token = blankToNull(env.get("AWS_SESSION_TOKEN"));
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, token));
        }
        // profiles, SSO, web identity, container and instance roles: the SDK's usual chain
        return DefaultCredentialsProvider.builder().build();
    }

    private static Region region(TargetSpec spec, String endpoint, Map<String, String> env, S3Location loc) {
        String r = blankToNull(spec.region());
        if (r == null && endpoint != null) {
            r = "us-east-1"; // what S3-compatible services expect when they have no regions
        }
        if (r == null) {
            r = blankToNull(env.get("AWS_REGION"));
        }
        if (r == null) {
            r = blankToNull(env.get("AWS_DEFAULT_REGION"));
        }
        if (r != null) {
            return Region.of(r);
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            throw new OwuiException("target " + loc.url() + " has no region, and none is configured for the AWS SDK",
                    "set owui.s3.region (or the target's <region>), e.g. eu-central-1", e);
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
