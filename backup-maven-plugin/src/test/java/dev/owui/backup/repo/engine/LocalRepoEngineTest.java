package dev.owui.backup.repo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.pages.LayerPolicy;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.OwuiException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The backup engine writing to a local folder. */
class LocalRepoEngineTest extends RepoEngineContract {
    @Override
    ObjectStore openStore() {
        return new LocalObjectStore(tmp.resolve("target"));
    }

    /**
     * Another run's capture folder with the same id (two instances backed up from one host in the
     * same second share the staging folder, ~/.cache/owui-backup/format3/capture) is not this run's
     * to fill or remove.
     */
    @Test
    void aCaptureFolderOfAnotherRunWithTheSameIdIsLeftAlone() throws Exception {
        java.nio.file.Path staging = tmp.resolve("staging");
        java.time.Instant now = java.time.Instant.now();
        java.util.List<java.nio.file.Path> others = new java.util.ArrayList<>();
        for (int s = -1; s <= 30; s++) { // every id this run could get, started now give or take
            java.nio.file.Path other = staging.resolve("owui-capture-" + dev.owui.backup.format.BackupId.of(now.plusSeconds(s)));
            java.nio.file.Files.createDirectories(other);
            others.add(java.nio.file.Files.writeString(other.resolve("webui.db"), "the other run's capture"));
        }
        RepoBackupRunner.Result r = backup(options(CodecSettings.zstd(3)));
        assertReassemblesToSource(r.backupId(), "webui.db");
        for (java.nio.file.Path f : others) {
            assertEquals("the other run's capture", java.nio.file.Files.readString(f), f.toString());
        }
    }

    /** Page sets pile up to the bound, then the next backup compacts them into one beside the image. */
    @Test
    void theEighthPageSetIsACompaction() throws Exception {
        String image = entry(backup(options(CodecSettings.zstd(3))).backupId(), "webui.db").layers().get(0).object();
        RepoBackupRunner.Result r = null;
        for (int day = 1; day <= LayerPolicy.MAX_LAYERS; day++) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db")); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE chat SET title = 'day " + day + "' WHERE rowid = (SELECT min(rowid) FROM chat) + " + day);
            }
            r = backup(options(CodecSettings.zstd(3)));
            RepoBackupRunner.DatabaseDecision d = decision(r, "webui.db");
            if (day < LayerPolicy.MAX_LAYERS) {
                assertEquals("APPEND", d.kind(), "day " + day);
                assertEquals(day + 1, d.layers());
            } else {
                assertEquals("COMPACT", d.kind(), "day " + day);
                assertEquals(2, d.layers());
            }
            assertReassemblesToSource(r.backupId(), "webui.db");
        }
        Entry db = entry(r.backupId(), "webui.db");
        assertEquals(image, db.layers().get(0).object(), "the compacted set lies on the first image");
    }

    /**
     * The databases are captured side by side: a damaged one still fails the whole backup with its
     * own name and SQLite's complaint, writes no backup, and leaves no capture (of either database)
     * in the staging folder.
     */
    @Test
    void aDamagedChromaFailsTheBackupByNameAndLeavesNoCaptureBehind() throws Exception {
        Path chroma = data.resolve("vector_db/chroma.sqlite3");
        try (RandomAccessFile r = new RandomAccessFile(chroma.toFile(), "rw")) {
            for (long off = r.length() / 2 / 4096 * 4096; off < r.length(); off += 4096 * 2) { // data pages, not the schema
                r.seek(off);
                r.write(new byte[48]);
            }
        }
        OwuiException e = assertThrows(OwuiException.class, () -> backup(options(CodecSettings.plain())));
        assertTrue(e.getMessage().contains("vector_db/chroma.sqlite3") && e.getMessage().contains("quick_check"), e.getMessage());
        assertEquals(List.of(), repo.backups().list());
        try (Stream<Path> left = Files.list(tmp.resolve("staging"))) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "no capture is left in the staging folder");
        }
    }
}
