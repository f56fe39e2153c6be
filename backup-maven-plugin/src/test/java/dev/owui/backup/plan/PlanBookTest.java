package dev.owui.backup.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.TargetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanBookTest {
    private static final TargetSpec B2 = new TargetSpec("b2", "s3://bucket/owui", "b2", null, "https://s3.eu-central-003.backblazeb2.com", null);
    private static final TargetSpec NAS = new TargetSpec("nas", "sftp://backup@nas/srv/owui", null, null, null, null);

    @Test
    void resolvesAPlansTargetsInItsOrder() {
        PlanBook book = new PlanBook(List.of(B2, NAS), List.of(new Plan("daily", List.of("nas", "b2"), null, null, "30 2 * * *", null)));
        Plan daily = book.plan("daily");
        assertEquals("hot", daily.mode());
        assertEquals("backup", daily.goal());
        assertEquals(List.of(NAS, B2), book.targetsOf(daily));
        assertEquals(B2, book.target("b2"));
        assertEquals("/srv/x", book.target("/srv/x").url(), "a name that is no target's id is a URL");
    }

    @Test
    void badReferencesAndNamesFailWithWhatExists() {
        OwuiException unknown = assertThrows(OwuiException.class,
                () -> new PlanBook(List.of(B2), List.of(new Plan("daily", List.of("s3"), null, null, null, null))));
        assertTrue(unknown.getMessage().contains("names target 's3'") && unknown.getMessage().contains("(b2)"), unknown.getMessage());
        assertThrows(OwuiException.class, () -> new PlanBook(List.of(B2, B2), List.of()));
        OwuiException noPlan = assertThrows(OwuiException.class,
                () -> new PlanBook(List.of(B2), List.of(new Plan("daily", List.of("b2"), null, null, null, null))).plan("weekly"));
        assertTrue(noPlan.getMessage().contains("plans: daily"), noPlan.getMessage());
        assertThrows(OwuiException.class, () -> new Plan("daily", List.of("b2"), "frozen", null, null, null));
        assertThrows(OwuiException.class, () -> new Plan("daily plan", List.of("b2"), null, null, null, null));
        assertThrows(OwuiException.class, () -> new Plan("weekly", List.of("b2"), null, null, null, "b2"));
        assertEquals("copy", new Plan("weekly", List.of("nas"), null, null, null, "b2").goal());
    }
}
