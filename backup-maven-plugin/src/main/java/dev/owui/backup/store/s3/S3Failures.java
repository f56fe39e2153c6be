package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns what the SDK throws into the operator's one line: bad credentials (naming the target and
 * the server id, never the secret), a missing bucket, access denied, an unreachable endpoint.
 */
final class S3Failures {
    private S3Failures() {
    }

    /** The target's identity for messages: its URL, the endpoint, and where its credentials come from. */
    record Where(String url, String bucket, String endpoint, String region, String serverId) {
        String endpointShown() {
            return endpoint != null ? endpoint : "AWS S3 (" + region + ")";
        }

        String credentialsShown() {
            return serverId != null ? "the access key of server '" + serverId + "' in settings.xml" : "the AWS default credentials";
        }
    }

    static OwuiException of(Where w, String doing, SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code) || status == 301) {
                return new OwuiException("bucket " + w.bucket() + " is not in region " + w.region() + " (" + (code == null ? "HTTP 301" : code)
                        + ", target " + w.url() + ")", "set owui.s3.region (or the target's <region>) to the bucket's region", e);
            }
            if ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code) || "InvalidToken".equals(code)
                    || "ExpiredToken".equals(code)) {
                return new OwuiException("target " + w.url() + " rejected " + w.credentialsShown() + " (" + code + ", while " + doing + ")",
                        w.serverId() != null
                                ? "check <username> (access key id) and <password> (secret key) of server '" + w.serverId() + "' in settings.xml"
                                : "set owui.serverId to a settings.xml server with the access key, or fix the AWS credentials in the environment",
                        e);
            }
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null && doing.startsWith("checking the bucket"))) {
                return new OwuiException("bucket " + w.bucket() + " does not exist at " + w.endpointShown() + " (target " + w.url() + ")",
                        "create it first (e.g. `aws s3 mb s3://" + w.bucket() + (w.endpoint() != null ? " --endpoint-url " + w.endpoint() : "")
                                + "`), or fix the bucket's name, region or endpoint", e);
            }
            if ("AccessDenied".equals(code) || status == 403) {
                return new OwuiException("target " + w.url() + " denied access while " + doing + " (" + (code == null ? "HTTP 403" : code)
                        + ", with " + w.credentialsShown() + ")",
                        "grant that key s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket and prefix", e);
            }
            String msg = s3.awsErrorDetails() != null && s3.awsErrorDetails().errorMessage() != null ? s3.awsErrorDetails().errorMessage() : s3.getMessage();
            return new OwuiException("target " + w.url() + " failed " + doing + ": " + (code == null ? "HTTP " + status : code) + " (" + msg + ")",
                    "check the S3 service's status; earlier backups are untouched", e);
        }
        if (e instanceof SdkClientException) {
            Throwable net = networkCause(e);
            if (net != null) {
                return new OwuiException("cannot reach " + w.endpointShown() + " for target " + w.url() + " while " + doing + " ("
                        + net.getClass().getSimpleName() + ": " + net.getMessage() + ")",
                        "check " + (w.endpoint() != null ? "owui.s3.endpoint and that the server is up" : "the network and the region")
                                + "; earlier backups are untouched", e);
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains("Unable to load credentials") || m.contains("credentials")) {
                // The SDK's message lists every provider of its chain and why each failed: a page of
                // text that buries the one thing to do. The cause keeps it for -e.
                return new OwuiException("no AWS credentials for target " + w.url()
                        + " (no server id given, and the AWS provider chain found none: environment, ~/.aws, container or instance role)",
                        "set owui.serverId to a settings.xml server whose username is the access key id and password the secret key, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", e);
            }
            return new OwuiException("target " + w.url() + " failed " + doing + ": " + firstLine(m),
                    "check the connection to " + w.endpointShown() + "; earlier backups are untouched", e);
        }
        return new OwuiException("target " + w.url() + " failed " + doing + ": " + firstLine(String.valueOf(e.getMessage())),
                "earlier backups are untouched", e);
    }

    /** The connect-level cause (refused, unknown host, timeout, broken connection), or null. */
    static Throwable networkCause(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
                    || c instanceof SocketTimeoutException || c instanceof java.net.SocketException
                    || c instanceof org.apache.hc.core5.http.NoHttpResponseException
                    || c instanceof org.apache.hc.client5.http.HttpHostConnectException) {
                return c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** Whether the failure says the object is not there (a 404 of GetObject/HeadObject/CopyObject). */
    static boolean notFound(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return ("NoSuchKey".equals(code) || (s3.statusCode() == 404 && !"NoSuchBucket".equals(code)));
        }
        return false;
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
