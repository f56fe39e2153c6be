package dev.owui.backup.repo.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.SftpObjectStore;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Building a browsable tree never writes outside it, even for a backup whose entries were tampered
 * with or damaged: a file entry below (or at) a symbolic link entry of the same backup would
 * otherwise be written through the link. Our walk never makes such entries, so the test writes them
 * by hand into a real backup's entry chunk and head (as RepoRestoreLinksTest does), on a local disk
 * and over SFTP to a real sshd.
 */
class BrowsableTreesLinksTest {
    private static final String INSTANCE = "open-webui";
    private static final EngineLog QUIET = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };

    @TempDir
    static Path serverDir;
    static Sshd sshd;

    @TempDir
    Path tmp;
    Path target;
    Path outside;
    Repository repo;
    ObjectStore store;

    @BeforeAll
    static void startServer() {
        sshd = Sshd.start(serverDir.resolve("sshd"));
    }

    @AfterAll
    static void stopServer() {
        if (sshd != null) {
            sshd.close();
        }
    }

    void backUp(boolean sftp) throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        target = Files.createDirectories(tmp.resolve("target"));
        store = sftp ? SftpObjectStore.open(SftpUrl.parse(sshd.url(target.toString())), sshd.options()) : new LocalObjectStore(target);
        repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), QUIET);
        new RepoBackupRunner(QUIET).run(repo, new RepoBackupRunner.Options(data, INSTANCE, CodecSettings.zstd(3), false, tmp.resolve("staging")));
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest(name = "sftp={0}")
    @ValueSource(booleans = {false, true})
    void aFileAtTheSamePathAsASymlinkEntryIsRefused(boolean sftp) throws Exception {
        backUp(sftp);
        Files.writeString(outside.resolve("victim"), "keep me");
        tamper(link("zz-same", outside.resolve("victim").toString()), fileAt("zz-same"));
        assertRefused("zz-same");
        assertEquals("keep me", Files.readString(outside.resolve("victim")));
    }

    @ParameterizedTest(name = "sftp={0}")
    @ValueSource(booleans = {false, true})
    void aFileBelowASymlinkEntryWrittenWithATrailingSlashIsRefused(boolean sftp) throws Exception {
        backUp(sftp);
        // "zz-link/" names the same place as "zz-link": the entry below it is refused as below the link
        tamper(link("zz-link/", outside.toString()), fileAt("zz-link/x"));
        OwuiException e = assertRefused("zz-link/x");
        assertTrue(e.getMessage().contains("symbolic link zz-link"), e.getMessage());
    }

    @ParameterizedTest(name = "sftp={0}")
    @ValueSource(booleans = {false, true})
    void aFolderAndFileBelowARelativeSymlinkToOutsideAreRefused(boolean sftp) throws Exception {
        backUp(sftp);
        // no ".." in any entry's path; only the link's target leaves the tree (trees/.tmp-…/zz-rel → tmp/outside)
        tamper(link("zz-rel", "../../../../outside"), dir("zz-rel/sub"), fileAt("zz-rel/sub/x"));
        assertRefused("zz-rel/sub");
    }

    /** Building the tree fails naming the entry, leaves no tree (not even a temporary one), writes nothing outside. */
    private OwuiException assertRefused(String entry) throws Exception {
        String id = repo.backups().list().get(repo.backups().list().size() - 1);
        OwuiException e = assertThrows(OwuiException.class, () -> BrowsableTrees.of(repo).orElseThrow().build(id, DecryptionKeys.none()));
        assertTrue(e.getMessage().contains(entry), e.getMessage());
        try (Stream<Path> s = Files.walk(outside)) {
            List<String> there = s.filter(p -> !p.equals(outside)).map(p -> outside.relativize(p).toString()).toList();
            assertTrue(there.isEmpty() || there.equals(List.of("victim")), "written outside the tree: " + there);
        }
        Path trees = target.resolve(INSTANCE).resolve(BrowsableTrees.DIR);
        if (Files.isDirectory(trees)) {
            try (Stream<Path> s = Files.list(trees)) {
                assertEquals(List.of(), s.toList(), "a tree that fails leaves nothing");
            }
        }
        assertFalse(Files.exists(target.resolve(INSTANCE).resolve(BrowsableTrees.treeOf(id))));
        return e;
    }

    private ObjectNode link(String path, String target) {
        return new ObjectMapper().createObjectNode().put("path", path).put("type", Entry.SYMLINK).put("linkTarget", target);
    }

    private ObjectNode dir(String path) {
        return new ObjectMapper().createObjectNode().put("path", path).put("type", Entry.DIR).put("mode", "rwx------");
    }

    private ObjectNode fileAt(String path) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("path", path);
        return n; // filled by tamper() from a real file entry: a sound object, size and SHA-256
    }

    /**
     * Appends {@code extra} to the newest backup's entries (paths "zz-…" sort last), rewritten as a
     * single chunk; a file entry takes a real compressed file's object, storage, size and SHA-256
     * (a compressed one is decoded into the tree, i.e. written, where a plain one would be hard-linked).
     */
    private void tamper(ObjectNode... extra) throws Exception {
        dev.owui.backup.repo.TamperedEntries.append(target.resolve(INSTANCE), e -> !Storage.isPlain(e.get("storage").asText()), extra);
    }
}
