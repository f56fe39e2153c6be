package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.owui.backup.OwuiException;
import org.junit.jupiter.api.Test;

/** Our blocks in a crontab: replaced in place, appended, removed, every other byte kept. */
class CrontabBlocksTest {
    private static final String BLOCK = "# BEGIN owui backup daily\n30 2 * * * /x.sh\n# END owui backup daily\n";
    private static final String OTHER = "# BEGIN owui backup daily2\n0 1 * * * /y.sh\n# END owui backup daily2\n";

    @Test
    void putAppendsThenReplacesInPlaceAndRemoveRestoresTheBytes() {
        String mine = "MAILTO=ops@example.org\n# my own job  \n*/5 * * * *   /usr/local/bin/poll\t# tabs kept\n";
        String once = CrontabBlocks.put(mine, "owui backup daily", BLOCK);
        assertEquals(mine + BLOCK, once);
        String withOther = CrontabBlocks.put(once + "1 1 * * * /z\n", "owui backup daily2", OTHER);
        String changed = CrontabBlocks.put(withOther, "owui backup daily", BLOCK.replace("30 2", "45 3"));
        assertEquals(mine + BLOCK.replace("30 2", "45 3") + "1 1 * * * /z\n" + OTHER, changed);
        assertEquals(mine + "1 1 * * * /z\n" + OTHER, CrontabBlocks.remove(changed, "owui backup daily"));
        assertEquals(mine + "1 1 * * * /z\n", CrontabBlocks.remove(CrontabBlocks.remove(changed, "owui backup daily"), "owui backup daily2"));
        assertEquals(BLOCK, CrontabBlocks.put("", "owui backup daily", BLOCK));
        assertEquals("a\n" + BLOCK, CrontabBlocks.put("a", "owui backup daily", BLOCK), "a last line without newline is completed");
        assertNull(CrontabBlocks.find(mine + OTHER, "owui backup daily"), "daily2's block is not daily's");
        assertEquals(BLOCK, CrontabBlocks.find(BLOCK + OTHER, "owui backup daily"));
    }

    @Test
    void aBeginWithoutEndIsRefused() {
        assertThrows(OwuiException.class, () -> CrontabBlocks.put("# BEGIN owui backup daily\n* * * * * x\n", "owui backup daily", BLOCK));
    }
}
