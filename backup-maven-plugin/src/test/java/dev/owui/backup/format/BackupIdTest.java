package dev.owui.backup.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupIdTest {

    @Test
    void idsAreUtcBasicIsoTimestampsWithoutColons() {
        assertEquals("20261126T074802Z", BackupId.of(Instant.parse("2026-11-26T07:48:02.999Z")));
        assertTrue(BackupId.isValid("20261126T074802Z"));
        assertTrue(BackupId.isValid("20261126T074802Z-12"));
        assertFalse(BackupId.isValid("2026-11-26T07:48:02Z"));
        assertFalse(BackupId.isValid(".20261126T074802Z.partial"));
        assertFalse(BackupId.isValid("../etc"));
    }

    @Test
    void anIdReadsBackAsTheSecondItWasMadeAtWhateverItsSuffix() {
        Instant t = Instant.parse("2026-11-26T07:48:02Z");
        assertEquals(t, BackupId.time(BackupId.of(t)));
        assertEquals(t, BackupId.time("20261126T074802Z-12"));
    }

    @Test
    void aNewIdSortsAfterEverySameSecondIdEvenWhenEarlierOnesWereRemoved() {
        String base = "20261126T074802Z";
        assertEquals(base, BackupId.unique(base, List.of("20261126T074801Z")));
        assertEquals(base + "-2", BackupId.unique(base, List.of(base)));
        assertEquals(base + "-4", BackupId.unique(base, List.of(base + "-3")), "rotation removed …Z and …Z-2");
    }

    @Test
    void sameSecondSuffixesSortNumerically() {
        List<String> ids = new ArrayList<>(List.of("20261126T074802Z-10", "20261126T074803Z", "20261126T074802Z", "20261126T074802Z-9"));
        ids.sort(BackupId::compare);
        assertEquals(List.of("20261126T074802Z", "20261126T074802Z-9", "20261126T074802Z-10", "20261126T074803Z"), ids);
    }
}
