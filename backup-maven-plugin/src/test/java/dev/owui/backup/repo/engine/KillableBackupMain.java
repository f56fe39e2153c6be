package dev.owui.backup.repo.engine;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.HardLinks;
import dev.owui.backup.repo.store.TestKeys;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.StoreStat;
import dev.owui.backup.report.EngineLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One whole format 3 backup in a JVM of its own, for {@link RepoKillTest}: RepoBackupRunner
 * (zstd-3, 4 threads) of DATA into the local repository TARGET, over the real LocalObjectStore,
 * seen through a store that can stop the process's writing at a chosen point and say so on
 * stdout ("PAUSED …"), so the test can SIGKILL it exactly there.
 *
 * <pre>
 * KillableBackupMain DATA TARGET STAGING POINT
 *   POINT: none            run to the end ("DONE &lt;id&gt;")
 *          objects:N       after the N-th object (under objects/) is stored
 *          mid-object:N    inside the N-th object's write: the first half of its bytes are in the
 *                          store's own temp file beside the key (what LocalObjectStore leaves when
 *                          killed in its copy), its name not yet published
 *          head            right before the head (backups/&lt;id&gt;.json) is written: every object is stored
 *          after-head      right after the head is written, before the lock is released
 * </pre>
 *
 * "STARTED" is printed once the backup begins (the random-delay kills count from it).
 */
public final class KillableBackupMain {
    private KillableBackupMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Path staging = Path.of(args[2]);
        String point = args[3];
        try (LocalObjectStore real = new LocalObjectStore(target); Pausing store = new Pausing(real, target, point)) {
            Repository repo = Repository.open(store, "open-webui", staging.resolveSibling(staging.getFileName() + ".scratch"), EngineLog.SILENT);
            RepoBackupRunner.Options opts = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false, staging);
            System.out.println("STARTED");
            System.out.flush();
            RepoBackupRunner.Result r = new RepoBackupRunner(EngineLog.SILENT).run(repo, opts);
            System.out.println("DONE " + r.backupId() + " " + r.objectsWritten());
            System.out.flush();
        }
    }

    /** Delegates to the real store; at the chosen point, says so and waits to be killed. */
    static final class Pausing implements ObjectStore {
        private final ObjectStore real;
        private final Path root;
        private final String kind;
        private final int n;
        private final AtomicInteger objects = new AtomicInteger();

        Pausing(ObjectStore real, Path root, String point) {
            this.real = real;
            this.root = root;
            int colon = point.indexOf(':');
            this.kind = colon < 0 ? point : point.substring(0, colon);
            this.n = colon < 0 ? 0 : Integer.parseInt(point.substring(colon + 1));
        }

        private static void pause(String what) {
            System.out.println("PAUSED " + what);
            System.out.flush();
            while (true) { // every other thread keeps going until the kill; this one never returns
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    // only SIGKILL ends this
                }
            }
        }

        private boolean write(String key, Path source, byte[] bytes) {
            boolean object = key.contains("/objects/");
            boolean head = key.contains("/backups/");
            int k = object ? objects.incrementAndGet() : 0;
            if (head && kind.equals("head")) {
                pause("before head " + key);
            }
            if (object && kind.equals("mid-object") && k == n) {
                halfWritten(key, source, bytes);
                pause("mid-object " + k + " " + key);
            }
            boolean wrote = source != null ? real.writeIfAbsent(key, source) : real.writeIfAbsent(key, bytes);
            if (object && kind.equals("objects") && k == n) {
                pause("after object " + k + " " + key);
            }
            if (head && kind.equals("after-head")) {
                pause("after head " + key);
            }
            return wrote;
        }

        /** The temp file a LocalObjectStore write killed halfway through its copy leaves: the same name, half the bytes. */
        private void halfWritten(String key, Path source, byte[] bytes) {
            try {
                byte[] all = source != null ? Files.readAllBytes(source) : bytes;
                Path file = root.resolve(key);
                Files.createDirectories(file.getParent());
                Path temp = file.resolveSibling(TestKeys.tempName(file.getFileName().toString()));
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(java.nio.ByteBuffer.wrap(all, 0, all.length / 2));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean writeIfAbsent(String key, Path source) {
            return write(key, source, null);
        }

        @Override
        public boolean writeIfAbsent(String key, byte[] bytes) {
            return write(key, null, bytes);
        }

        @Override
        public String location() {
            return real.location();
        }

        @Override
        public void list(String prefix, Consumer<StoreStat> each) {
            real.list(prefix, each);
        }

        @Override
        public Optional<StoreStat> stat(String key) {
            return real.stat(key);
        }

        @Override
        public InputStream read(String key) {
            return real.read(key);
        }

        @Override
        public InputStream read(String key, long offset, long length) {
            return real.read(key, offset, length);
        }

        @Override
        public boolean existenceCheckIsCheap() {
            return real.existenceCheckIsCheap();
        }

        @Override
        public void delete(String key) {
            real.delete(key);
        }

        @Override
        public Optional<HardLinks> hardLinks() {
            return real.hardLinks();
        }

        @Override
        public int removeStaleTemps(String prefix, Duration olderThan) {
            return real.removeStaleTemps(prefix, olderThan);
        }

        @Override
        public void close() {
            // the real store is closed by its own try
        }
    }
}
