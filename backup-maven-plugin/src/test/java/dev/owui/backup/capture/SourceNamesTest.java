package dev.owui.backup.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.instance.ScanMain;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names Java cannot represent faithfully, and entries that have no content. Linux file names are
 * bytes; Java cannot create names that are not valid UTF-8, so they are made with printf through
 * /bin/sh.
 */
class SourceNamesTest {
    @TempDir
    Path tmp;

    /** Creates {@code dir/<name>} where {@code printfName} is a printf format such as {@code r-\351.txt} (octal escapes). */
    static void rawFile(Path dir, String printfName, String content) throws Exception {
        TestSupport.sh("/bin/sh", "-c", "cd \"$1\" && printf '%s' \"$3\" > \"$(printf \"$2\")\"", "sh", dir.toString(), printfName, content);
    }

    static void rawDir(Path dir, String printfName) throws Exception {
        TestSupport.sh("/bin/sh", "-c", "cd \"$1\" && mkdir \"$(printf \"$2\")\"", "sh", dir.toString(), printfName);
    }

    @Test
    void twoUploadsWhoseNamesDifferOnlyInInvalidBytesFailTheBackupNamingBoth() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path uploads = f.dataDir().resolve("uploads");
        int before = uploads.toFile().list().length;
        rawFile(uploads, "r-\\351.txt", "first");
        rawFile(uploads, "r-\\377.txt", "second");
        assertEquals(before + 2, uploads.toFile().list().length, "two files on disk");
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));

        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(f.dataDir(), target));

        assertTrue(e.problem().contains("'r-\\xe9.txt' in " + uploads), e.problem());
        assertTrue(e.problem().contains("'r-\\xff.txt' in " + uploads), e.problem());
        assertTrue(e.problem().contains("not valid UTF-8"), e.problem());
        assertTrue(e.remedy().contains("rename"), e.remedy());
        assertTrue(target.backups("test").isEmpty(), "no backup counts");
    }

    @Test
    void aSingleInvalidNameFailsRatherThanBeingStoredUnderAnotherName() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        rawFile(f.dataDir().resolve("uploads"), "x_caf\\351.pdf", "latin-1");
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(f.dataDir(), target));
        assertTrue(e.problem().startsWith("1 name(s)") && e.problem().contains("x_caf\\xe9.pdf"), e.problem());
        assertTrue(e.remedy().contains("mv $'x_caf\\xe9.pdf'"), e.remedy());
        assertTrue(target.backups("test").isEmpty());
    }

    @Test
    void anEmptyDirectoryWithAnInvalidNameFailsTooSinceFoldersAreRecorded() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        rawDir(f.dataDir().resolve("uploads"), "empty-\\351");
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(f.dataDir(), target));
        assertTrue(e.problem().contains("'empty-\\xe9' in " + f.dataDir().resolve("uploads")), e.problem());
        assertTrue(target.backups("test").isEmpty());
    }

    @Test
    void aDirectoryWithAnInvalidNameIsReportedOnceAsTheDirectory() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path uploads = f.dataDir().resolve("uploads");
        rawDir(uploads, "d-\\351");
        rawFile(uploads, "d-\\351/a.txt", "a");
        rawFile(uploads, "d-\\351/b.txt", "b");
        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("backups"))));
        assertTrue(e.problem().startsWith("1 name(s)") && e.problem().contains("'d-\\xe9' in " + uploads), e.problem());
    }

    @Test
    void anInvalidNameInAnExcludedDirectoryDoesNotMatter() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path cache = Files.createDirectories(f.dataDir().resolve("cache"));
        rawFile(cache, "tmp-\\377", "scratch");
        TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("backups"))); // cache/ is excluded by default
    }

    /**
     * A JVM whose locale is not UTF-8 (cron and systemd often set none) decodes every non-ASCII
     * name wrongly, even a valid UTF-8 one: the scan fails and says to set a UTF-8 locale.
     */
    @Test
    void aJvmThatDoesNotDecodeFileNamesAsUtf8FailsOnNonAsciiNamesAndSaysWhy() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).awkwardNames(false).build();
        Files.writeString(f.dataDir().resolve("uploads").resolve("x_café.txt"), "valid UTF-8");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ScanMain.class.getName(), f.dataDir().toString())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), out);
        assertTrue(out.contains("'x_café.txt' in " + f.dataDir().resolve("uploads")), out);
        assertTrue(out.contains("sun.jnu.encoding"), out);
        assertTrue(out.contains("LC_ALL=C.UTF-8"), out);
    }

    @Test
    void aFifoAndASocketAreReportedAsWarningsAndTheBackupSucceeds() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TestSupport.sh("mkfifo", f.dataDir().resolve("uploads").resolve("pipe").toString());
        Path sock = f.dataDir().resolve("run.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
            RecordingLog log = new RecordingLog();
            BackupResult r = new BackupRunner(log).run(TestSupport.options(f.dataDir(), TestSupport.target(tmp.resolve("backups"))));

            List<String> ours = r.warnings().stream().filter(w -> w.contains("not backed up")).toList();
            assertEquals(2, ours.size(), r.warnings().toString());
            assertTrue(ours.contains("uploads/pipe (FIFO) is not backed up: FIFOs, sockets and devices have no content to store"), ours.toString());
            assertTrue(ours.stream().anyMatch(w -> w.startsWith("run.sock (socket) is not backed up")), ours.toString());
            assertTrue(log.warnings.containsAll(ours), "and logged as warnings");
            Map<String, FileEntry> byPath = r.manifest().files().stream().collect(java.util.stream.Collectors.toMap(FileEntry::path, e -> e));
            assertFalse(byPath.containsKey("uploads/pipe"));
            assertFalse(byPath.containsKey("run.sock"));
            assertTrue(byPath.containsKey("webui.db"));
        }
    }
}
