package dev.owui.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 2: a restore never writes outside its output folder, even for a backup whose manifest was
 * tampered with or damaged. A file entry below (or at) a symbolic link entry of the same backup
 * would otherwise be written through the link. The test edits a real backup's manifest.json by
 * hand (our walk never records such entries) and puts the content where the manifest says.
 */
class RestoreLinksTest {
    @TempDir
    Path tmp;
    LocalTarget target;
    Manifest backup;
    Path outside;

    @BeforeEach
    void backUp() throws Exception {
        Path data = OpenWebUiFixture.at(tmp.resolve("data")).build().dataDir();
        target = TestSupport.target(tmp.resolve("backups"));
        backup = TestSupport.backup(data, target).manifest();
        outside = tmp.resolve("outside");
        Files.createDirectories(outside);
    }

    @Test
    void aFileBelowASymlinkEntryToAnAbsoluteFolderIsRefused() throws Exception {
        tamper(link("zz-link", outside.toString()), file("zz-link/x"));
        assertRefusedEverywhere("zz-link/x", "zz-link", "zz-link/x");
    }

    @Test
    void aFileBelowARelativeSymlinkToOutsideIsRefused() throws Exception {
        // no ".." in any entry's path; only the link's target leaves the output folder (from the staging folder inside it)
        tamper(link("zz-rel", "../../outside"), file("zz-rel/x"));
        assertRefusedEverywhere("zz-rel/x", "zz-rel", "zz-rel/x");
    }

    @Test
    void aFileAtTheSamePathAsASymlinkEntryIsRefused() throws Exception {
        Files.writeString(outside.resolve("victim"), "keep me");
        tamper(link("zz-same", outside.resolve("victim").toString()), file("zz-same"));
        assertRefusedEverywhere("zz-same", "zz-same");
        assertEquals("keep me", Files.readString(outside.resolve("victim")));
    }

    /** The whole restore and a restore of chosen paths: each refuses, names the entry, writes nothing outside. */
    private void assertRefusedEverywhere(String entry, String... paths) throws Exception {
        OwuiException a = assertThrows(OwuiException.class, () -> new RestoreRunner(new RecordingLog())
                .run(new RestoreOptions(target, "test", null, tmp.resolve("out-a"), false, null)));
        assertNamed(a, entry);
        OwuiException b = assertThrows(OwuiException.class, () -> new PathRestore(new RecordingLog())
                .run(new PathRestoreOptions(target, "test", null, List.of(paths), tmp.resolve("out-b"), false, null)));
        assertNamed(b, entry);
    }

    private void assertNamed(OwuiException e, String entry) throws Exception {
        assertTrue(e.getMessage().contains(entry), e.getMessage());
        try (Stream<Path> s = Files.walk(outside)) {
            List<String> there = s.filter(p -> !p.equals(outside)).map(p -> outside.relativize(p).toString()).toList();
            assertTrue(there.isEmpty() || there.equals(List.of("victim")), "written outside the output folder: " + there);
        }
    }

    private ObjectNode link(String path, String linkTarget) {
        return new ObjectMapper().createObjectNode().put("path", path).put("type", FileEntry.SYMLINK).put("linkTarget", linkTarget)
                .put("mtime", "2026-01-01T00:00:00Z").put("mode", "rwxrwxrwx");
    }

    /** A copy of a real plain file entry at {@code path}; its content is put at that path in the backup's folder. */
    private ObjectNode file(String path) throws Exception {
        FileEntry real = backup.files().stream().filter(e -> e.isStoredPlain() && !e.isSymlink() && !e.isSqlite() && !e.isSecretKey()
                && e.reusedFrom() == null).findFirst().orElseThrow();
        Path backupDir = target.root().resolve("test").resolve(backup.backupId());
        Path content = backupDir.resolve(path);
        Files.createDirectories(content.getParent());
        Files.copy(backupDir.resolve(real.path()), content);
        Path manifest = backupDir.resolve(Manifest.FILE_NAME);
        for (var n : new ObjectMapper().readTree(manifest.toFile()).withArray("files")) {
            if (n.get("path").asText().equals(real.path())) {
                return ((ObjectNode) n.deepCopy()).put("path", path);
            }
        }
        throw new AssertionError(real.path() + " is not in " + manifest);
    }

    /** Appends {@code extra} to the manifest's files (paths "zz-…" sort last). */
    private void tamper(ObjectNode... extra) throws Exception {
        Path manifest = target.root().resolve("test").resolve(backup.backupId()).resolve(Manifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(manifest.toFile());
        ArrayNode files = tree.withArray("files");
        for (ObjectNode e : extra) {
            files.add(e);
        }
        Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-------"));
        json.writeValue(manifest.toFile(), tree);
        assertFalse(files.isEmpty());
    }
}
