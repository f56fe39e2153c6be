package dev.owui.backup.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.diff.DiffResult.FileChange;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison itself on small hand-made manifests: the cases a generated instance does not produce. */
class ManifestDiffTest {
    private static final Instant T = Instant.parse("2026-11-25T02:30:00Z");

    private static FileEntry file(String path, long size, String sha) {
        return new FileEntry(path, FileEntry.FILE, size, sha, T, "rw-r--r--", "plain", null, null);
    }

    private static FileEntry link(String path, String to) {
        return new FileEntry(path, FileEntry.SYMLINK, to.length(), null, T, null, "plain", null, to);
    }

    private static Manifest manifest(String id, InstanceFacts facts, List<FileEntry> files, List<DirectoryEntry> dirs) {
        return new Manifest(Manifest.FORMAT, 1, "test", "test", id, "host", "/data", "hot", T, T, facts,
                new Manifest.Totals(files.size(), 0, 0, 0), null, files, dirs);
    }

    @Test
    void pathsMergeComponentWiseAndSymlinksAndTypesCount() {
        // Unsorted on purpose, and with names that sort differently as plain strings ("a/b" vs "a.txt").
        Manifest before = manifest("1", null, List.of(file("a.txt", 1, "x"), file("a/b", 2, "y"), link("l", "uploads/x"), file("t", 3, "z")), null);
        Manifest after = manifest("2", new InstanceFacts("rev2", Map.of("chats", 4L, "prompts", 1L), List.of(), List.of("u"), null),
                List.of(file("a/b", 2, "y"), file("a.txt", 1, "x2"), link("l", "uploads/y"), link("t", "elsewhere"), file("a/c", 5, "w")),
                List.of(new DirectoryEntry("a", T, "rwxr-xr-x")));
        DiffResult r = ManifestDiff.compare("here", "test", before, after, 10);
        assertEquals(List.of("a/c"), r.added().stream().map(FileChange::path).toList());
        assertEquals(List.of("a.txt", "l", "t"), r.changed().stream().map(FileChange::path).toList());
        assertEquals(List.of("content", "link target uploads/x → uploads/y", "type file → symlink"),
                r.changed().stream().map(FileChange::what).toList());
        assertEquals(1, r.files().unchanged());
        assertNull(r.folders(), "the old manifest records no folders: not compared");
        // Counts: the known tables first (none recorded before), then any other table.
        assertEquals(List.of("users", "chats", "messages", "files", "knowledge", "prompts"), r.tables().stream().map(DiffResult.TableCount::name).toList());
        assertNull(r.tables().get(1).before());
        assertEquals(4L, r.tables().get(1).after());
        assertNull(r.tables().get(1).delta());
        assertNull(r.schemaBefore());
        assertEquals("rev2", r.schemaAfter());
        assertEquals(1L, r.findings().get(1).after());
    }

    @Test
    void aManifestNamingOnePathTwiceIsReportedAsDamaged() {
        Manifest twice = manifest("1", null, List.of(file("x", 1, "a"), file("x", 2, "b")), null);
        Manifest fine = manifest("2", null, List.of(file("x", 1, "a")), null);
        OwuiException e = assertThrows(OwuiException.class, () -> ManifestDiff.compare("here", "test", twice, fine, 10));
        assertTrue(e.getMessage().contains("lists one path twice") && e.getMessage().contains("owui:verify"), e.getMessage());
    }
}
