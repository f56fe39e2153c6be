package dev.owui.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.retention.Retention.Decision;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** restic's forget semantics, on the worked example of the README. */
class RetentionTest {

    /** One backup a day at 03:00 UTC from {@code from} to {@code to}, inclusive. */
    private static List<String> daily(String from, String to) {
        List<String> ids = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(from); !d.isAfter(LocalDate.parse(to)); d = d.plusDays(1)) {
            ids.add(BackupId.of(d.atTime(3, 0).toInstant(ZoneOffset.UTC)));
        }
        return ids;
    }

    private static List<String> kept(List<Decision> ds) {
        return ds.stream().filter(Decision::keep).map(d -> d.backupId().substring(0, 8)).toList();
    }

    @Test
    void dailyWeeklyMonthlyOverlapAndAShortRuleKeepsTheOldest() {
        // 57 daily backups, 2026-10-01 .. 2026-11-26 (a Thursday); keep daily 7, weekly 4, monthly 3.
        List<Decision> ds = Retention.decide(daily("2026-10-01", "2026-11-26"), new Policy(0, 0, 7, 4, 3, 0), ZoneOffset.UTC, null);
        assertEquals(List.of(
                "20261126", "20261125", "20261124", "20261123", "20261122", "20261121", "20261120", // daily 7
                "20261115", "20261108",                                                             // weekly W46, W45 (W48, W47 already kept)
                "20261031",                                                                         // monthly October
                "20261001"), kept(ds));                                                             // monthly is one short: the oldest
        Decision newest = ds.get(0);
        assertEquals(List.of("daily 2026-11-26", "weekly 2026-W48", "monthly 2026-11"), newest.reasons(), "one backup fills several rules");
        assertEquals(List.of("weekly 2026-W46"), ds.stream().filter(d -> d.backupId().startsWith("20261115")).findFirst().orElseThrow().reasons());
        assertEquals(57 - 11, ds.stream().filter(d -> !d.keep()).count());
    }

    @Test
    void bucketsFollowTheOperatorsZone() {
        // 23:30 UTC on the 25th is already the 26th in Tokyo: one day there, two days in UTC.
        List<String> ids = List.of("20261125T233000Z", "20261126T010000Z");
        assertEquals(2, kept(Retention.decide(ids, new Policy(0, 0, 2, 0, 0, 0), ZoneOffset.UTC, null)).size());
        List<Decision> tokyo = Retention.decide(ids, new Policy(0, 0, 2, 0, 0, 0), ZoneId.of("Asia/Tokyo"), null);
        assertEquals(List.of("daily 2026-11-26"), tokyo.get(0).reasons());
        assertEquals(List.of("oldest (daily short)"), tokyo.get(1).reasons(), "only one Tokyo day: the rule is short, the oldest stays");
    }

    @Test
    void keepLastCountsEveryBackupAndTheJustMadeOneIsProtected() {
        List<String> ids = List.of("20261101T000000Z", "20261126T100000Z", "20301231T000000Z"); // one from a clock that ran ahead
        List<Decision> ds = Retention.decide(ids, Policy.keepLast(1), ZoneOffset.UTC, "20261126T100000Z");
        assertEquals(List.of("last #1"), ds.get(0).reasons());
        assertEquals(List.of("just made"), ds.get(1).reasons());
        assertFalse(ds.get(2).keep(), "the rule is not short (one wanted, one kept), so the oldest goes");
    }

    @Test
    void aPolicyThatKeepsNothingOrCountsBelowZeroIsRefused() {
        assertThrows(OwuiException.class, () -> new Policy(0, 0, 0, 0, 0, 0));
        assertThrows(OwuiException.class, () -> new Policy(-1, 0, 7, 0, 0, 0));
        assertThrows(OwuiException.class, () -> Policy.keepLast(0));
        assertEquals("daily 7, weekly 4", new Policy(0, 0, 7, 4, 0, 0).toString());
    }
}
