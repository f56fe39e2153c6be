package dev.owui.backup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Writes the directory an {@link OpenWebUiFixture} describes.
 *
 * <p>Everything is planned first (ids, names, sizes) from the seed; then uploads, webui.db and
 * vector_db are written concurrently. Each of those phases draws from its own seeded
 * {@link Random}, so thread timing never changes the output. webui.db waits for the uploads
 * because {@code file.meta.file_hash} is the SHA-256 of their bytes.
 */
final class Generator {

    /** Shares of {@code targetBytes} for uploads, vector data and chats; the rest is overhead. */
    static final double UPLOAD_SHARE = 0.62;
    static final double VECTOR_SHARE = 0.31;
    static final double CHAT_SHARE = 0.06;
    /** Measured on-disk cost of one vector record (HNSW element, Chroma rows, FTS) and one chat message. */
    static final int BYTES_PER_RECORD = 5700;
    static final int BYTES_PER_MESSAGE = 1500;

    private static final String[] USER_NAMES = {"Ada Admin", "Ben Okafor", "Chloé Martin", "Daiki Tanaka",
        "Eva Novak", "Farid Haddad", "Grace Kim", "Hugo Silva"};
    private static final String[] KNOWLEDGE_NAMES = {"Team handbook", "Research papers", "Customer contracts",
        "Product specs"};

    private final OpenWebUiFixture cfg;
    private final Path dir;
    private final Ids plan;
    private final boolean scaled;

    private final List<String> userIds = new ArrayList<>();
    private final List<Upload> uploads = new ArrayList<>();
    private final List<Knowledge> knowledge = new ArrayList<>();
    private final List<Fixture.OrphanRow> orphanRows = new ArrayList<>();
    private final List<String> orphanFiles = new ArrayList<>();
    private int chats;
    private int messages;

    /** A planned upload; {@code sha} is known once its bytes are written. */
    static final class Upload {
        final String id;
        final String name;
        final String stored;
        final long size;
        final String owner;
        final long seed;
        volatile String sha;

        Upload(String id, String name, String stored, long size, String owner, long seed) {
            this.id = id;
            this.name = name;
            this.stored = stored;
            this.size = size;
            this.owner = owner;
            this.seed = seed;
        }
    }

    record Knowledge(String id, String name, List<Upload> files) {
    }

    Generator(OpenWebUiFixture cfg) {
        this.cfg = cfg;
        this.dir = cfg.dataDir;
        this.plan = new Ids(new Random(cfg.seed));
        this.scaled = cfg.targetBytes > 0;
    }

    Fixture run() throws IOException, SQLException {
        long started = System.nanoTime();
        prepareDirectory();
        for (int i = 0; i < cfg.users; i++) {
            userIds.add(plan.uuid());
        }
        planUploads();
        planKnowledge();
        VectorWriter vectors = new VectorWriter(dir.resolve("vector_db"), new Ids(new Random(cfg.seed * 31 + 2)),
                scaled ? (long) (cfg.targetBytes * VECTOR_SHARE / BYTES_PER_RECORD) : -1, cfg.vectorCollections);
        Ids webui = new Ids(new Random(cfg.seed * 31 + 1));

        int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Chroma first: it is the longest job and needs nothing but the plan.
            Future<List<Future<?>>> chroma = pool.submit(
                    () -> vectors.write(uploads, knowledge, memoryUser(), pool));
            List<Future<?>> files = new ArrayList<>();
            for (Upload u : uploads) {
                Path file = dir.resolve("uploads").resolve(u.stored);
                files.add(pool.submit(() -> u.sha = Content.write(file, u.size, u.seed, Names.kind(u.name))));
            }
            writeOrphanFiles();
            await(files);
            writeWebUiDb(webui);
            await(get(chroma));   // the rows, then the HNSW folders they queued
        } finally {
            pool.shutdownNow();
        }

        String stale = cfg.staleSegmentFolder ? vectors.writeStaleFolder(plan) : null;
        Extras.writeCache(dir.resolve("cache"), plan, cfg.cacheWithSymlinks);
        if (cfg.auditLog) {
            Extras.writeAuditLog(dir.resolve("audit.log"), plan, userIds);
        }
        long[] totals = totals(dir);
        return new Fixture(dir, cfg.users, chats, messages, uploads.size() + orphanRows.size(),
                uploads.stream().map(u -> "uploads/" + u.stored).toList(), List.copyOf(orphanRows),
                List.copyOf(orphanFiles), vectors.segmentIds(), vectors.collectionNames(), stale,
                cfg.schemaRevision, (int) totals[0], totals[1], Duration.ofNanos(System.nanoTime() - started));
    }

    private void prepareDirectory() throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException("fixture directory is not empty: " + dir);
                }
            }
        }
        Files.createDirectories(dir.resolve("uploads"));
        Files.createDirectories(dir.resolve("vector_db"));
    }

    // ---- plan ----------------------------------------------------------------------------

    private void planUploads() {
        List<Long> sizes = scaled ? scaledUploadSizes() : defaultUploadSizes();
        List<String> awkward = cfg.awkwardNames ? Names.AWKWARD : List.of();
        Random random = plan.random();
        for (int i = 0; i < sizes.size(); i++) {
            String id = plan.uuid();
            String name = i < awkward.size() ? awkward.get(i) : Names.regular(random, i, sizes.get(i));
            long size = Names.EMPTY.equals(name) ? 0 : sizes.get(i);
            uploads.add(new Upload(id, name, Names.stored(id, name), size,
                    userIds.get(random.nextInt(userIds.size())), random.nextLong()));
        }
    }

    /** {@code uploadBytes} spread unevenly over {@code uploads} files. */
    private List<Long> defaultUploadSizes() {
        double[] weights = new double[cfg.uploads];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.3 + 1.4 * plan.random().nextDouble();
            sum += weights[i];
        }
        List<Long> sizes = new ArrayList<>();
        for (double w : weights) {
            sizes.add((long) (cfg.uploadBytes * w / sum));
        }
        return sizes;
    }

    /** Many small uploads (10-500 KB, log-uniform) and a few 1-20 MB PDF-like ones. */
    private List<Long> scaledUploadSizes() {
        Random random = plan.random();
        long budget = (long) (cfg.targetBytes * UPLOAD_SHARE);
        long smallBudget = budget * 35 / 100;
        List<Long> sizes = new ArrayList<>();
        for (long left = smallBudget; left > 0; left -= sizes.get(sizes.size() - 1)) {
            sizes.add(Math.min(left, (long) (10_000 * Math.pow(50, random.nextDouble()))));
        }
        for (long left = budget - smallBudget; left > 0; left -= sizes.get(sizes.size() - 1)) {
            sizes.add(Math.min(left, 1_000_000 + (long) (19_000_000 * random.nextDouble())));
        }
        // The first slots get the awkward names; keep them small, shuffle the rest.
        Collections.shuffle(sizes.subList(Math.min(sizes.size(), Names.AWKWARD.size()), sizes.size()), random);
        return sizes;
    }

    private void planKnowledge() {
        List<Upload> nonEmpty = uploads.stream().filter(u -> u.size > 0).toList();
        int every = Math.max(1, cfg.knowledgeBases * 3);
        for (int k = 0; k < cfg.knowledgeBases; k++) {
            List<Upload> files = new ArrayList<>();
            for (int i = k; i < nonEmpty.size(); i += every) {
                files.add(nonEmpty.get(i));
            }
            String name = k < KNOWLEDGE_NAMES.length ? KNOWLEDGE_NAMES[k] : "Knowledge " + (k + 1);
            knowledge.add(new Knowledge(plan.uuid(), name, files));
        }
    }

    private String memoryUser() {
        return userIds.get(Math.min(1, userIds.size() - 1));
    }

    private void writeOrphanFiles() throws IOException {
        for (int i = 1; i <= cfg.orphanFiles; i++) {
            String stored = Names.stored(plan.uuid(), "left-behind-" + i + ".txt");
            Content.write(dir.resolve("uploads").resolve(stored), 4_000 + plan.random().nextInt(16_000),
                    plan.random().nextLong(), Content.Kind.TEXT);
            orphanFiles.add("uploads/" + stored);
        }
    }

    // ---- webui.db ------------------------------------------------------------------------

    private void writeWebUiDb(Ids ids) throws SQLException {
        try (Rows rows = WebUiDb.create(dir.resolve("webui.db"), cfg.schemaRevision)) {
            rows.begin();
            for (int i = 0; i < userIds.size(); i++) {
                String name = i < USER_NAMES.length ? USER_NAMES[i] : "User " + (i + 1);
                WebUiDb.insertUser(rows, userIds.get(i), name, i == 0 ? "admin" : "user", Ids.EPOCH + i * 3_600L);
            }
            WebUiDb.insertConfigAndWorkspace(rows, userIds.get(0), Ids.EPOCH);
            insertChats(rows, ids);
            insertFiles(rows, ids);
            insertKnowledge(rows, ids);
            for (int i = 0; i < 3; i++) {
                rows.insert("memory", "id", ids.uuid(), "user_id", memoryUser(), "content",
                        Content.text(ids.random(), 60), "updated_at", ids.time(120), "created_at", ids.time(120));
            }
            rows.commit();
        }
    }

    private void insertChats(Rows rows, Ids ids) throws SQLException {
        int perUser = cfg.chatsPerUser;
        if (scaled) {
            long wanted = (long) (cfg.targetBytes * CHAT_SHARE / BYTES_PER_MESSAGE);
            perUser = (int) Math.max(perUser, wanted / ((long) cfg.users * Math.max(1, cfg.messagesPerChat)));
        }
        for (String user : userIds) {
            String folder = ids.uuid();
            rows.insert("folder", "id", folder, "parent_id", null, "user_id", user, "name", "Projects",
                    "items", null, "meta", null, "data", null, "is_expanded", 0,
                    "created_at", Ids.EPOCH, "updated_at", Ids.EPOCH);
            for (int c = 0; c < perUser; c++) {
                WebUiDb.insertChat(rows, ids, ids.uuid(), user, Content.text(ids.random(), 24), cfg.messagesPerChat,
                        ids.time(120), c % 3 == 2 ? folder : null);
                chats++;
                messages += cfg.messagesPerChat;
            }
        }
    }

    private void insertFiles(Rows rows, Ids ids) throws SQLException {
        for (Upload u : uploads) {
            WebUiDb.insertFile(rows, u.id, u.owner, u.name, u.stored, u.size, u.sha,
                    Content.extracted(ids.random(), u.size), ids.time(120));
        }
        for (int i = 1; i <= cfg.orphanRows; i++) {
            String id = ids.uuid();
            String name = "deleted-report-" + i + ".pdf";
            String stored = Names.stored(id, name);
            WebUiDb.insertFile(rows, id, userIds.get(userIds.size() - 1), name, stored,
                    20_000 + ids.random().nextInt(200_000), ids.hex(64), Content.text(ids.random(), 500),
                    ids.time(120));
            orphanRows.add(new Fixture.OrphanRow(id, "uploads/" + stored));
        }
    }

    private void insertKnowledge(Rows rows, Ids ids) throws SQLException {
        for (Knowledge k : knowledge) {
            List<Object> fileIds = new ArrayList<>();
            for (Upload u : k.files()) {
                fileIds.add(u.id);
                rows.insert("knowledge_file", "id", ids.uuid(), "knowledge_id", k.id(), "file_id", u.id,
                        "user_id", userIds.get(0), "created_at", Ids.EPOCH, "updated_at", Ids.EPOCH);
            }
            rows.insert("knowledge", "id", k.id(), "user_id", userIds.get(0), "name", k.name(),
                    "description", "Shared " + k.name().toLowerCase(), "data", Json.of(Json.obj("file_ids", fileIds)),
                    "meta", null, "access_control", null, "created_at", Ids.EPOCH, "updated_at", Ids.EPOCH);
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Count and total size of the regular files under {@code root}, not following symlinks. */
    static long[] totals(Path root) throws IOException {
        long[] totals = new long[2];
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                totals[0]++;
                try {
                    totals[1] += Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return totals;
    }

    /** Waits for all jobs, rethrowing the first failure as the checked exception it was. */
    static void await(List<? extends Future<?>> jobs) throws IOException, SQLException {
        for (Future<?> f : jobs) {
            get(f);
        }
    }

    private static <T> T get(Future<T> f) throws IOException, SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            } else if (e.getCause() instanceof SQLException sql) {
                throw sql;
            } else if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
