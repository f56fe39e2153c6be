package dev.owui.backup.store.s3;

import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real S3 API server for tests and the benchmark: S3Proxy 3.0.0 on a loopback port over a
 * filesystem blob store in a folder ({@link S3ProxyHost}, in a class loader of its own). It
 * counts the storage calls S3Proxy makes (putBlob, copyBlob, uploadMultipartPart…) and the bytes
 * that arrive in uploads, so tests can tell an upload from a server-side copy, and it can stop
 * and serve again on the same port (fault tests).
 *
 * <p>Standalone (the benchmark): {@code java -cp <test classpath> dev.owui.backup.store.s3.S3Server
 * <dir> <port> [bucket]} prints "ready <endpoint>" and serves until killed.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "owui-test-access";
    public static final String SECRET_KEY = "owui-test-secret-Xy9";
    public static final String SERVER_ID = "s3test";

    private final Path dir;
    private final URLClassLoader loader;
    private final Object host;

    private S3Server(Path dir, int port) throws Exception {
        this.dir = Files.createDirectories(dir);
        loader = isolatedLoader();
        Class<?> c = Class.forName(S3ProxyHost.class.getName(), true, loader);
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            host = c.getConstructor(String.class, int.class, String.class, String.class).newInstance(dir.toString(), port, ACCESS_KEY, SECRET_KEY);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** The test class path without Maven's Guice 5 (jclouds needs the Guice 7 that s3proxy brings). */
    private static URLClassLoader isolatedLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("guice-[0-6]\\..*\\.jar") || name.startsWith("sisu") || name.startsWith("maven-")) {
                continue;
            }
            urls.add(Path.of(entry).toUri().toURL());
        }
        return new URLClassLoader("s3proxy", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private Object call(String method, Object... args) {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            for (var m : host.getClass().getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    return m.invoke(host, args);
                }
            }
            throw new IllegalArgumentException(method);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("S3Proxy " + method + " failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }

    /** Starts a server on a free loopback port over {@code dir}, with bucket "backups". */
    public static S3Server start(Path dir) throws Exception {
        return start(dir, 0, "backups");
    }

    public static S3Server start(Path dir, int port, String bucket) throws Exception {
        S3Server s = new S3Server(dir, port);
        s.call("start");
        if (bucket != null) {
            s.createBucket(bucket);
        }
        return s;
    }

    public void createBucket(String bucket) {
        call("createBucket", bucket);
    }

    public int port() {
        return (Integer) call("port");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public Path dir() {
        return dir;
    }

    /** Stops serving (connections are refused); the stored objects stay. */
    public void stop() {
        call("stop");
    }

    /** Serves again on the same port, over the same store. */
    public void restart() {
        call("stop");
        call("start");
    }

    /** How many times S3Proxy called this BlobStore method (putBlob, copyBlob, uploadMultipartPart, …) since the last reset. */
    @SuppressWarnings("unchecked")
    public long calls(String method) {
        Long n = ((Map<String, Long>) call("calls")).get(method);
        return n == null ? 0 : n;
    }

    /** Bytes that arrived in uploads (objects and parts) since the last reset. */
    public long bytesIn() {
        return (Long) call("bytesIn");
    }

    /**
     * Makes the server fail (HTTP 500) every listing under {@code prefix}, and with
     * {@code removals} every delete of a key under it, as a store broken by a crash does.
     */
    public void refuse(String prefix, boolean removals) {
        call("refuse", prefix, removals);
    }

    /** Serves everything again after {@link #refuse}. */
    public void heal() {
        call("refuse", null, false);
    }

    public void resetCounters() {
        call("reset");
    }

    /** The spec of {@code s3://bucket/prefix} at this server, with the test server id. */
    public TargetSpec spec(String url) {
        return new TargetSpec(null, url, SERVER_ID, null, endpoint(), null);
    }

    /** A target context whose settings.xml knows server {@value #SERVER_ID} with this server's keys. */
    public static TargetContext context() {
        return context(ACCESS_KEY, SECRET_KEY);
    }

    public static TargetContext context(String access, String secret) {
        return new TargetContext(Path.of("."), true, id -> {
            throw new UnsupportedOperationException("no SSH here");
        }, id -> {
            if (!SERVER_ID.equals(id)) {
                throw new dev.owui.backup.OwuiException("no <server> with id '" + id + "' in settings.xml", null);
            }
            return new Credentials(access, secret, null, null);
        }, Map.of());
    }

    @Override
    public void close() throws Exception {
        try {
            call("close");
        } finally {
            loader.close();
        }
    }

    /**
     * Serves until killed: {@code <dir> <port> [bucket [statsFile]]}. With a stats file, it keeps
     * "bytesIn putBlob copyBlob uploadMultipartPart" in it, rewritten every 100 ms, so a script
     * can read what arrived before and after a command.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: S3Server <dir> <port> [bucket [statsFile]]");
            return;
        }
        S3Server s = start(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? args[2] : "backups");
        Path stats = args.length > 3 ? Path.of(args[3]) : null;
        System.out.println("ready " + s.endpoint());
        System.out.flush();
        while (true) {
            if (stats != null) {
                Path tmp = stats.resolveSibling(stats.getFileName() + ".tmp");
                Files.writeString(tmp, s.bytesIn() + " " + s.calls("putBlob") + " " + s.calls("copyBlob") + " " + s.calls("uploadMultipartPart") + "\n");
                Files.move(tmp, stats, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Thread.sleep(100);
        }
    }
}
