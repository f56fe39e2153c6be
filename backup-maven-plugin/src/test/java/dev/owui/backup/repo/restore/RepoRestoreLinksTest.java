package dev.owui.backup.repo.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.restore.RepoRestoreRunner;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore never writes outside its output folder, even for a repository whose entries were
 * tampered with or damaged: a file entry below (or at) a symbolic link entry of the same backup
 * would otherwise be written through the link. Our walk never makes such entries, so the test
 * writes them by hand into a real backup's entry chunk and head, as another writer would.
 */
class RepoRestoreLinksTest {
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
    Path tmp;
    Path instance;
    Path outside;
    Repository repo;
    ObjectStore store;

    @BeforeEach
    void backUp() throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        store = new LocalObjectStore(tmp.resolve("target"));
        repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), QUIET);
        new RepoBackupRunner(QUIET).run(repo, new RepoBackupRunner.Options(data, INSTANCE, CodecSettings.zstd(3), false, tmp.resolve("staging")));
        instance = tmp.resolve("target").resolve(INSTANCE);
        outside = tmp.resolve("outside");
        Files.createDirectories(outside);
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void aFileBelowASymlinkEntryToAnAbsoluteFolderIsRefused() throws Exception {
        tamper(link("zz-link", outside.toString()), fileAt("zz-link/x"));
        assertRefusedEverywhere("zz-link/x");
    }

    @Test
    void aFileBelowASymlinkEntryWrittenWithATrailingSlashIsRefused() throws Exception {
        // "zz-link/" names the same place as "zz-link": the link must be found, not only its spelling
        tamper(link("zz-link/", outside.toString()), fileAt("zz-link/x"));
        assertRefusedEverywhere("zz-link/x");
    }

    @Test
    void aFolderAndFileBelowARelativeSymlinkToOutsideAreRefused() throws Exception {
        // no ".." in any entry's path; only the link's target leaves the output folder
        tamper(link("zz-rel", "../outside"), dir("zz-rel/sub"), fileAt("zz-rel/sub/x"));
        assertRefusedEverywhere("zz-rel/sub");
    }

    @Test
    void aFileAtTheSamePathAsASymlinkEntryIsRefused() throws Exception {
        Files.writeString(outside.resolve("victim"), "keep me");
        tamper(link("zz-same", outside.resolve("victim").toString()), fileAt("zz-same"));
        assertRefusedEverywhere("zz-same");
        assertEquals("keep me", Files.readString(outside.resolve("victim")));
    }

    /** Whole restore, the Mojo's whole restore, and a restore of chosen paths: each refuses, names the entry, writes nothing outside. */
    private void assertRefusedEverywhere(String entry) throws Exception {
        OwuiException a = assertThrows(OwuiException.class,
                () -> new RepoRestore(repo).run(new RepoRestore.Options(null, tmp.resolve("out-a"), DecryptionKeys.none(), null)));
        assertNamed(a, entry);
        assertFalse(Files.exists(tmp.resolve("out-a")), "a restore that fails leaves nothing");

        OwuiException b = assertThrows(OwuiException.class, () -> new RepoRestoreRunner(QUIET).run(
                new RepoRestoreRunner.Options(repo, INSTANCE, null, tmp.resolve("out-b"), false, null, DecryptionKeys.none())));
        assertNamed(b, entry);

        OwuiException c = assertThrows(OwuiException.class, () -> new RepoRestoreRunner(QUIET).runPaths(repo, INSTANCE, null,
                List.of("zz-*", "zz-*/**"), tmp.resolve("out-c"), false, DecryptionKeys.none()));
        assertNamed(c, entry);
    }

    private void assertNamed(OwuiException e, String entry) throws Exception {
        assertTrue(e.getMessage().contains(entry), e.getMessage());
        try (Stream<Path> s = Files.walk(outside)) {
            List<String> there = s.filter(p -> !p.equals(outside)).map(p -> outside.relativize(p).toString()).toList();
            assertTrue(there.isEmpty() || there.equals(List.of("victim")), "written outside the output folder: " + there);
        }
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
     * single chunk; a file entry takes a real file's object, storage, size and SHA-256.
     */
    private void tamper(ObjectNode... extra) throws Exception {
        dev.owui.backup.repo.TamperedEntries.append(instance, e -> true, extra);
    }
}
