package dev.owui.backup.repo.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunsTest {
    @Test
    void consecutivePagesBecomeOneRun() {
        assertEquals(List.of(new Run(1, 3), new Run(7, 1), new Run(9, 2)), Runs.of(1, 2, 3, 7, 9, 10));
        assertEquals(List.of(), Runs.of());
    }

    @Test
    void unionMergesOverlappingAndAdjacentRunsAndCutsAtTheLastPage() {
        List<Run> a = List.of(new Run(1, 2), new Run(10, 5));
        List<Run> b = List.of(new Run(3, 1), new Run(12, 10), new Run(40, 3));
        assertEquals(List.of(new Run(1, 3), new Run(10, 12)), Runs.union(List.of(a, b), 30));
        assertEquals(List.of(new Run(1, 3), new Run(10, 12), new Run(40, 1)), Runs.union(List.of(a, b), 40));
    }

    @Test
    void pagesOfWalksEveryPageOnce() {
        List<Run> runs = List.of(new Run(2, 3), new Run(9, 1));
        List<Long> got = new ArrayList<>();
        Runs.pagesOf(runs).forEachRemaining((long p) -> got.add(p));
        assertEquals(List.of(2L, 3L, 4L, 9L), got);
        assertEquals(4, Runs.pages(runs));
    }

    @Test
    void badRunsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Run(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Run(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Runs.check(List.of(new Run(5, 2), new Run(6, 1)), 100));
        assertThrows(IllegalArgumentException.class, () -> Runs.check(List.of(new Run(99, 3)), 100));
        assertThrows(IllegalArgumentException.class, () -> Runs.ofAscending(List.of(3L, 2L).stream().mapToLong(Long::longValue).iterator()));
    }
}
