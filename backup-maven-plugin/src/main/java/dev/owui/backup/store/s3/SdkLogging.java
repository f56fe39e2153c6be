package dev.owui.backup.store.s3;

import java.util.List;

/**
 * Keeps the S3 client's wire, header and signing logs off whatever Maven's log level. With
 * {@code mvn -X} Maven 3.9 sets its SLF4J backend (maven-slf4j-provider, slf4j-simple inside) to
 * debug for every logger, and the plugin's libraries log through it: Apache HttpClient 5's
 * {@code org.apache.hc.client5.http.wire} then prints every byte of every request body (5 GB of
 * log for a 130 MB backup, webui.db in clear when unencrypted), {@code …headers} the
 * Authorization signature, and the SDK's SigV4 signer the canonical request with its header
 * values (an STS session token among them). Maven's own configuration already silences
 * HttpClient 4 ({@code org.apache.http}) the same way (MNG-6181); it does not know HttpClient 5.
 *
 * <p>slf4j-simple reads a logger's level from the system property
 * {@code org.slf4j.simpleLogger.log.<name>} (the nearest ancestor's) when the logger is created,
 * which for these libraries is when their classes load, that is after this runs: setting those
 * properties is the one switch Maven's backend offers a plugin. A level the operator set on the
 * command line (e.g. {@code -Dorg.slf4j.simpleLogger.log.org.apache.hc.client5.http.wire=debug}
 * while debugging a service, knowing it prints secrets) is left alone. The SDK's own request
 * log ({@code software.amazon.awssdk.request}: method, key, header names, status) stays on with
 * -X: it is what debugging a target needs, and it carries no body and no secret.
 */
final class SdkLogging {
    static final String LEVEL_PREFIX = "org.slf4j.simpleLogger.log.";

    /** The loggers kept off: HttpClient 5 entirely (wire, headers, pool chatter), and the SigV4 signers. */
    static final List<String> QUIET = List.of(
            "org.apache.hc",
            "software.amazon.awssdk.http.auth.aws",
            "software.amazon.awssdk.auth.signer");

    private SdkLogging() {
    }

    /** Pins {@link #QUIET} off unless the operator chose a level for them. Idempotent and cheap. */
    static void quiet() {
        for (String name : QUIET) {
            String key = LEVEL_PREFIX + name;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "off");
            }
        }
    }
}
