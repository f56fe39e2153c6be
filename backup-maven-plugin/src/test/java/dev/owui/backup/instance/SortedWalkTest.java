package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortedWalkTest {
    @TempDir
    Path tmp;

    /** The streaming walk yields what the list scan yields (files, links, folders), and in PathOrder. */
    @Test
    void yieldsWhatTheScanListsInPathOrder() throws Exception {
        Path real = tmp.resolve("volume/_data");
        OpenWebUiFixture.at(real).uploads(30).awkwardNames(true).vectorCollections(2).cacheWithSymlinks(true).auditLog(true)
                .orphanFiles(2).build();
        // Names whose byte order differs from a plain string sort of whole paths: "a" < "a/b" < "a b" < "a.txt" ...
        for (String p : List.of("a/b", "a.txt", "a b/c", "a-b", "Z", "é/x", "\uD83D\uDE00", "uploads/x\\y.txt", "uploads/0")) {
            Path f = real.resolve(p);
            Files.createDirectories(f.getParent());
            Files.writeString(f, p);
        }
        Files.createDirectories(real.resolve("empty/inner"));
        Files.createSymbolicLink(real.resolve("link-to-a"), Path.of("a"));
        Files.writeString(real.resolve("webui.db-journal"), "side file of a database: captured through it");
        new ProcessBuilder("mkfifo", real.resolve("fifo").toString()).start().waitFor();
        Path link = tmp.resolve("data");
        Files.createSymbolicLink(link, real); // the data directory is a symlink to the volume

        DataDirectory d = DataDirectory.open(link);
        List<String> scanWarnings = new ArrayList<>();
        List<SourceFile> scanned = d.scan(FileSelector.defaults(), scanWarnings::add);
        Set<String> expected = new HashSet<>();
        scanned.forEach(f -> expected.add(f.type() + " " + f.rel() + " " + f.size() + " " + f.mode() + " " + f.linkTarget()));
        d.directories(FileSelector.defaults()).forEach(x -> expected.add("dir " + x.path() + " " + x.mode() + " " + x.mtime()));

        List<SourceFile> dbs = SortedWalk.databases(d, FileSelector.defaults());
        assertEquals(scanned.stream().filter(f -> f.type().equals(FileEntry.SQLITE)).map(SourceFile::rel).toList(),
                dbs.stream().map(SourceFile::rel).toList(), "the databases, in capture order (webui.db first)");
        assertEquals(DataDirectory.MAIN_DB, dbs.get(0).rel());

        List<String> walkWarnings = new ArrayList<>();
        List<String> order = new ArrayList<>();
        Set<String> walked = new HashSet<>();
        SortedWalk.of(d, FileSelector.defaults(), walkWarnings::add, dbs.stream().map(SourceFile::rel).collect(Collectors.toSet()))
                .forEachRemaining(x -> {
                    order.add(x.path());
                    walked.add(x.file() != null
                            ? x.file().type() + " " + x.file().rel() + " " + x.file().size() + " " + x.file().mode() + " " + x.file().linkTarget()
                            : "dir " + x.dir().path() + " " + x.dir().mode() + " " + x.dir().mtime());
                });
        assertEquals(expected, walked);
        List<String> sorted = new ArrayList<>(order);
        sorted.sort(PathOrder.INSTANCE);
        assertEquals(sorted, order);
        assertTrue(order.contains("a b/c") && order.contains("empty/inner") && order.contains("link-to-a"), order.toString());
        assertTrue(order.stream().noneMatch(p -> p.equals("webui.db-journal") || p.startsWith("cache")), order.toString());
        assertEquals(scanWarnings, walkWarnings);
        assertEquals(1, walkWarnings.size(), "the FIFO");
    }

    @Test
    void aNameJavaCannotRecordFailsTheWalk() throws Exception {
        Path dir = tmp.resolve("data");
        OpenWebUiFixture.at(dir).uploads(3).build();
        // A name with a byte that is not UTF-8 (made by the shell: Java cannot make one)
        assertEquals(0, new ProcessBuilder("sh", "-c", "printf x > \"$1\"/uploads/r-$(printf '\\377').txt", "sh", dir.toString())
                .start().waitFor());
        DataDirectory d = DataDirectory.open(dir);
        OwuiException e = assertThrows(OwuiException.class,
                () -> SortedWalk.of(d, FileSelector.defaults(), w -> { }, Set.of()).forEachRemaining(x -> { }));
        assertTrue(e.problem().contains("r-\\xff.txt"), e.problem());
        assertEquals(DataDirectory.MAIN_DB, SortedWalk.databases(d, FileSelector.defaults()).get(0).rel(),
                "uploads/ is not walked for databases: the bad name there fails the streaming walk only");
    }
}
