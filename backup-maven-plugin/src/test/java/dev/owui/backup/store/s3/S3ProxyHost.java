package dev.owui.backup.store.s3;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.io.Payload;

/**
 * S3Proxy itself, over S3Proxy's filesystem (NIO.2) blob store in a folder, counting the storage
 * calls it makes and the bytes that arrive. Loaded by {@link S3Server} in a class loader of its
 * own: jclouds needs Guice 7 (jakarta.inject), while the test class path puts Maven's Guice 5
 * first. So its public methods take and return only JDK types, called reflectively.
 */
public final class S3ProxyHost {
    private final BlobStoreContext context;
    private final BlobStore counted;
    private final String access;
    private final String secret;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong bytesIn = new AtomicLong();
    private int port;
    private volatile String refusedPrefix;
    private volatile boolean refuseRemovals;
    private S3Proxy proxy;

    public S3ProxyHost(String dir, int port, String access, String secret) {
        this.port = port;
        this.access = access;
        this.secret = secret;
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir);
        context = ContextBuilder.newBuilder("filesystem-nio2").credentials("identity", "credential").overrides(props)
                .build(BlobStoreContext.class);
        BlobStore real = context.getBlobStore();
        InvocationHandler counting = (p, m, args) -> {
            calls.computeIfAbsent(m.getName(), k -> new AtomicLong()).incrementAndGet();
            if (refused(m.getName(), args)) {
                // not a jclouds exception S3Proxy maps to an S3 error: the request fails as a crashed store would, HTTP 500
                throw new IllegalMonitorStateException("injected fault: the store cannot serve " + m.getName() + " under " + refusedPrefix);
            }
            if (args != null) {
                for (Object a : args) {
                    Payload pl = a instanceof Blob b ? b.getPayload() : a instanceof Payload x ? x : null;
                    if (pl != null && pl.getContentMetadata().getContentLength() != null) {
                        bytesIn.addAndGet(pl.getContentMetadata().getContentLength());
                    }
                }
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        counted = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class}, counting);
    }

    /**
     * From now on, listings under {@code prefix} fail (and, with {@code removals}, deleting keys
     * under it), as after a crash of the S3 server's store; null serves everything again.
     */
    public void refuse(String prefix, boolean removals) {
        refusedPrefix = prefix;
        refuseRemovals = removals;
    }

    private boolean refused(String method, Object[] args) {
        String prefix = refusedPrefix;
        if (prefix == null || args == null) {
            return false;
        }
        if (method.equals("list") && args.length == 2 && args[1] instanceof ListContainerOptions o) {
            return (o.getPrefix() != null && (o.getPrefix() + "/").startsWith(prefix))
                    || (o.getDir() != null && (o.getDir() + "/").startsWith(prefix));
        }
        if (!refuseRemovals) {
            return false;
        }
        if (method.equals("removeBlob") && args.length == 2 && args[1] instanceof String key) {
            return key.startsWith(prefix);
        }
        if (method.equals("removeBlobs") && args.length == 2 && args[1] instanceof Iterable<?> keys) {
            for (Object k : keys) {
                if (String.valueOf(k).startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    public void start() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(counted)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        port = proxy.getPort();
    }

    public void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public int port() {
        return port;
    }

    public void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    public Map<String, Long> calls() {
        Map<String, Long> out = new HashMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public void reset() {
        calls.clear();
        bytesIn.set(0);
    }

    public void close() throws Exception {
        stop();
        context.close();
    }
}
