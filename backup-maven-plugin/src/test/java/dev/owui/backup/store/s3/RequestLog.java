package dev.owui.backup.store.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts the S3 requests a target sends, by operation (PutObject, UploadPart, CopyObject…), and the bytes of their bodies. */
final class RequestLog implements ExecutionInterceptor {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong bodyBytes = new AtomicLong();

    @Override
    public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
        String op = c.request().getClass().getSimpleName().replace("Request", "");
        counts.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        c.requestBody().flatMap(b -> b.optionalContentLength()).ifPresent(bodyBytes::addAndGet);
    }

    long count(String operation) {
        AtomicLong n = counts.get(operation);
        return n == null ? 0 : n.get();
    }

    long bodyBytes() {
        return bodyBytes.get();
    }

    void clear() {
        counts.clear();
        bodyBytes.set(0);
    }

    @Override
    public String toString() {
        return counts.toString() + ", " + bodyBytes + " body bytes";
    }
}
