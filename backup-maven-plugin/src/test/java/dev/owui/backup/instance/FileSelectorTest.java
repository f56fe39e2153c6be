package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileSelectorTest {

    @Test
    void defaultsLeaveOutCacheAndAuditLogsButTakeTheRest() {
        FileSelector s = FileSelector.defaults();
        assertFalse(s.walkInto("cache"));
        assertFalse(s.selects("cache/embedding/models/x.bin"));
        assertFalse(s.selects("audit.log"));
        assertFalse(s.selects("audit.2026-11-01.log"));
        assertTrue(s.selects("webui.db"));
        assertTrue(s.selects("uploads/0a1b_report 'final'.pdf"));
        assertTrue(s.selects("vector_db/3f1c/data_level0.bin"));
        assertTrue(s.walkInto("uploads"));
    }

    @Test
    void ownRestoreLeftoversAreNeverTakenEvenWithCustomExcludes() {
        FileSelector s = new FileSelector(null, List.of("uploads/**.tmp"));
        assertFalse(s.selects(".owui-before-restore-20261126T000000Z/webui.db"));
        assertFalse(s.walkInto(".owui-restore-20261126T000000Z"));
        assertTrue(s.selects("cache/x"), "custom excludes replace the defaults");
        assertFalse(s.selects("uploads/a/b.tmp"));
        assertTrue(s.selects("uploads/b.pdf"));
    }

    @Test
    void includesNarrowTheBackupAndADirectoryPatternTakesItsContents() {
        FileSelector s = new FileSelector(List.of("webui.db", "uploads"), null);
        assertTrue(s.selects("webui.db"));
        assertTrue(s.selects("uploads/deep/file.txt"));
        assertFalse(s.selects("vector_db/chroma.sqlite3"));
        assertTrue(s.walkInto("vector_db"), "walking is decided by excludes only");
    }
}
