package dev.owui.backup.repo.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a backup id names a backup at a target holding both formats. */
class TargetRepoTest {
    final List<String> warnings = new ArrayList<>();
    final EngineLog log = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }
    };

    TargetRepo.Choice choose(List<String> f2, List<String> f3, String choice) {
        return TargetRepo.choose(f2, f3, choice, "/nas", "open-webui", log);
    }

    @Test
    void theNewestOfBothFormatsIsTheDefault() {
        List<String> f2 = List.of("20250101T000000Z", "20250103T000000Z");
        List<String> f3 = List.of("20250102T000000Z", "20250102T000000Z-2");
        assertEquals(new TargetRepo.Choice("20250103T000000Z", 2), choose(f2, f3, null));
        assertEquals(new TargetRepo.Choice("20250104T000000Z", 3), choose(f2, List.of("20250104T000000Z"), "latest"));
        assertEquals(new TargetRepo.Choice("20250102T000000Z-2", 3), choose(List.of("20250101T000000Z"), f3, ""));
        assertEquals(new TargetRepo.Choice("20250101T000000Z", 2), choose(f2, f3, "20250101T000000Z"));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void anIdInBothFormatsIsTakenFromFormat3WithAWarning() {
        TargetRepo.Choice c = choose(List.of("20250101T000000Z"), List.of("20250101T000000Z"), null);
        assertEquals(new TargetRepo.Choice("20250101T000000Z", 3), c);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("both format 2") && warnings.get(0).contains("format 3 backup is used"), warnings.get(0));
    }

    @Test
    void anUnknownIdFailsNamingTheIdsOfBothFormats() {
        OwuiException e = assertThrows(OwuiException.class,
                () -> choose(List.of("20250101T000000Z"), List.of("20250102T000000Z"), "20990101T000000Z"));
        assertTrue(e.getMessage().contains("no backup 20990101T000000Z") && e.getMessage().contains("20250101T000000Z")
                && e.getMessage().contains("20250102T000000Z"), e.getMessage());
        assertThrows(OwuiException.class, () -> choose(List.of(), List.of(), null));
        assertThrows(OwuiException.class, () -> choose(List.of("20250101T000000Z"), List.of(), "all"));
    }
}
