package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 target's client, bucket and key prefix, and its failure messages, for code outside this
 * package (the format 3 object store, {@code dev.owui.backup.repo.store}): the client is built
 * exactly as {@link S3Target}'s ({@link S3Clients}: credentials, region, signed payloads,
 * retries), and failures read the same ({@link S3Failures}).
 */
public final class S3Access implements AutoCloseable {
    private final S3Location loc;
    private final S3Client client;
    private final S3Failures.Where where;

    private S3Access(S3Location loc, S3Clients.Built built) {
        this.loc = loc;
        this.client = built.client();
        this.where = new S3Failures.Where(loc.url(), loc.bucket(), built.endpoint(), built.region(), built.serverId());
    }

    /** {@code s3://bucket[/prefix]} with the spec's region, endpoint, path style and server id. */
    public static S3Access open(TargetSpec spec, TargetContext ctx) {
        return open(spec, ctx, List.of());
    }

    /** With SDK interceptors: tests look at (or change) what goes over the wire. */
    public static S3Access open(TargetSpec spec, TargetContext ctx, List<ExecutionInterceptor> interceptors) {
        S3Location loc = S3Location.parse(spec.url());
        return new S3Access(loc, S3Clients.create(spec, ctx, loc, interceptors));
    }

    public S3Client client() {
        return client;
    }

    public String bucket() {
        return loc.bucket();
    }

    /** The key prefix of the URL, ending in '/', or "" for the bucket's root. */
    public String root() {
        return loc.root();
    }

    /** {@code s3://bucket[/prefix]}, for messages. */
    public String url() {
        return loc.url();
    }

    /** The operator's message for a failed call while {@code doing} (credentials never shown). */
    public OwuiException failure(String doing, SdkException e) {
        return S3Failures.of(where, doing, e);
    }

    /** Whether the failure says the object is not there. */
    public static boolean notFound(SdkException e) {
        return S3Failures.notFound(e);
    }

    @Override
    public void close() {
        client.close();
    }
}
