package dev.owui.backup.repo.pages;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.TreeSet;

/** Helpers over sorted, non-overlapping page runs: built from page numbers, merged, counted. */
public final class Runs {
    private Runs() {
    }

    /** Runs covering the given page numbers, which must come in ascending order without repeats. */
    public static List<Run> ofAscending(PrimitiveIterator.OfLong pages) {
        List<Run> out = new ArrayList<>();
        long first = -1;
        long count = 0;
        long last = -1;
        while (pages.hasNext()) {
            long p = pages.nextLong();
            if (p <= last) {
                throw new IllegalArgumentException("pages must ascend: " + p + " after " + last);
            }
            if (count > 0 && p == last + 1) {
                count++;
            } else {
                if (count > 0) {
                    out.add(new Run(first, count));
                }
                first = p;
                count = 1;
            }
            last = p;
        }
        if (count > 0) {
            out.add(new Run(first, count));
        }
        return out;
    }

    /** Number of pages the runs cover. */
    public static long pages(List<Run> runs) {
        long n = 0;
        for (Run r : runs) {
            n += r.count();
        }
        return n;
    }

    /**
     * The union of several run lists, restricted to pages {@code 1..maxPage}: the pages any of them
     * names, as sorted runs. Used to compact page sets (a compacted set holds the current content
     * of every page the sets it replaces named).
     */
    public static List<Run> union(List<List<Run>> lists, long maxPage) {
        // Runs are merged as intervals, not expanded page by page: a page set can name millions of pages.
        List<Run> all = new ArrayList<>();
        lists.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(a.first(), b.first()));
        List<Run> out = new ArrayList<>();
        long start = -1;
        long end = -1; // exclusive
        for (Run r : all) {
            long rs = r.first();
            long re = Math.min(r.end(), maxPage + 1);
            if (rs >= re) {
                continue;
            }
            if (start < 0) {
                start = rs;
                end = re;
            } else if (rs <= end) {
                end = Math.max(end, re);
            } else {
                out.add(new Run(start, end - start));
                start = rs;
                end = re;
            }
        }
        if (start >= 0) {
            out.add(new Run(start, end - start));
        }
        return out;
    }

    /** Checks that runs ascend without overlapping and stay within {@code 1..maxPage}. */
    public static void check(List<Run> runs, long maxPage) {
        long next = 1;
        for (Run r : runs) {
            if (r.first() < next) {
                throw new IllegalArgumentException("page runs overlap or are out of order at [" + r.first() + ", " + r.count() + "]");
            }
            if (r.end() - 1 > maxPage) {
                throw new IllegalArgumentException("page run [" + r.first() + ", " + r.count() + "] goes beyond page " + maxPage);
            }
            next = r.end();
        }
    }

    /** Page numbers of the runs, ascending. */
    public static PrimitiveIterator.OfLong pagesOf(List<Run> runs) {
        Iterator<Run> it = runs.iterator();
        return new PrimitiveIterator.OfLong() {
            Run current;
            long next;

            @Override
            public boolean hasNext() {
                while ((current == null || next >= current.end()) && it.hasNext()) {
                    current = it.next();
                    next = current.first();
                }
                return current != null && next < current.end();
            }

            @Override
            public long nextLong() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return next++;
            }
        };
    }

    /** For tests and messages: the page numbers of the runs as a list. */
    static List<Long> pagesListOf(List<Run> runs) {
        List<Long> out = new ArrayList<>();
        pagesOf(runs).forEachRemaining((long p) -> out.add(p));
        return out;
    }

    /** For tests and small inputs: runs of an explicit set of pages. */
    static List<Run> of(long... pages) {
        TreeSet<Long> s = new TreeSet<>();
        for (long p : pages) {
            s.add(p);
        }
        return ofAscending(s.stream().mapToLong(Long::longValue).iterator());
    }
}
