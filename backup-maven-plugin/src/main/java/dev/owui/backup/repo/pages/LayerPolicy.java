package dev.owui.backup.repo.pages;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides how a new capture of a database is stored, given the previous capture at the same
 * target (FORMAT.md, "Bounded restore reads"): keep the same layers (nothing changed), add a page
 * set, compact the page sets into one, or store a new image.
 *
 * <p>Why these numbers: at most {@value #MAX_LAYERS} objects are read to restore a database, so a
 * restore never turns into a long chain walk (Litestream bounds its LTX levels for the same
 * reason); and a page set holding more than half of the pages costs nearly an image while making
 * every later restore read one more object, so past that share an image is stored.
 */
public final class LayerPolicy {
    /** Objects a database's layers may have: one image and up to seven page sets. */
    public static final int MAX_LAYERS = 8;
    /** Past this share of the database's pages, a page set is replaced by a new image. */
    public static final double IMAGE_SHARE = 0.5;

    private LayerPolicy() {
    }

    public enum Kind {
        /** No page differs: the new capture has the previous layers (its page count may be smaller). */
        SAME,
        /** One more page set, holding {@link Decision#runs()}. */
        APPEND,
        /** The page sets are replaced by one holding {@link Decision#runs()} (their union and the changes). */
        COMPACT,
        /** A new image: the whole database. */
        IMAGE
    }

    /** What to store; {@code runs} is null for SAME and IMAGE. {@code why} says so for the log when it is an image. */
    public record Decision(Kind kind, List<Run> runs, String why) {
    }

    /**
     * @param previous       the page map of the previous capture at this target, or null when there
     *                       is none or it cannot be used (unreadable, recorded damaged)
     * @param previousSets   the run lists of the previous capture's page sets, in order (empty when
     *                       its layers are one image); ignored when {@code previous} is null
     * @param current        the page map of the new capture
     * @param full           {@code owui.full}: store everything anew
     */
    public static Decision decide(PageMap previous, List<List<Run>> previousSets, PageMap current, boolean full) {
        if (full) {
            return image("owui.full stores everything anew");
        }
        if (previous == null) {
            return image("no usable previous capture at this target");
        }
        if (previous.pageSize() != current.pageSize()) {
            return image("the page size changed from " + previous.pageSize() + " to " + current.pageSize());
        }
        List<Run> changed = Runs.ofAscending(previous.changedIn(current));
        if (changed.isEmpty()) {
            return new Decision(Kind.SAME, null, null);
        }
        Decision d;
        if (1 + previousSets.size() + 1 <= MAX_LAYERS) {
            d = new Decision(Kind.APPEND, changed, null);
        } else {
            List<List<Run>> all = new ArrayList<>(previousSets);
            all.add(changed);
            d = new Decision(Kind.COMPACT, Runs.union(all, current.pageCount()), null);
        }
        long pages = Runs.pages(d.runs());
        if (pages > IMAGE_SHARE * current.pageCount()) {
            return image(pages + " of " + current.pageCount() + " pages would be in the page set (VACUUM, or most of the database rewritten)");
        }
        return d;
    }

    private static Decision image(String why) {
        return new Decision(Kind.IMAGE, null, why);
    }
}
