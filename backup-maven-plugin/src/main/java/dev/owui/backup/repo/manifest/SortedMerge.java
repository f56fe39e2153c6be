package dev.owui.backup.repo.manifest;

import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Walks two sequences sorted by the same key side by side, the way a backup walks the data
 * directory's scan against the previous backup's entries: each step yields the next key with the
 * element of either side that has it (or both). Memory is one element per side, whatever the
 * number of files. A side that is not sorted, or repeats a key, is refused: the merge would pair
 * the wrong things.
 */
public final class SortedMerge<L, R> implements Iterator<SortedMerge.Pair<L, R>> {
    /** One key's elements; {@code left} or {@code right} is null where that side lacks the key. */
    public record Pair<L, R>(String key, L left, R right) {
    }

    private final Iterator<L> lefts;
    private final Iterator<R> rights;
    private final Function<L, String> leftKey;
    private final Function<R, String> rightKey;
    private final Comparator<String> order;
    private L left;
    private R right;
    private String lastLeft;
    private String lastRight;

    public SortedMerge(Iterator<L> lefts, Function<L, String> leftKey, Iterator<R> rights, Function<R, String> rightKey,
                       Comparator<String> order) {
        this.lefts = lefts;
        this.rights = rights;
        this.leftKey = leftKey;
        this.rightKey = rightKey;
        this.order = order;
        this.left = nextLeft();
        this.right = nextRight();
    }

    private L nextLeft() {
        if (!lefts.hasNext()) {
            return null;
        }
        L l = lefts.next();
        lastLeft = checkAscending(lastLeft, leftKey.apply(l), "left");
        return l;
    }

    private R nextRight() {
        if (!rights.hasNext()) {
            return null;
        }
        R r = rights.next();
        lastRight = checkAscending(lastRight, rightKey.apply(r), "right");
        return r;
    }

    private String checkAscending(String last, String key, String side) {
        if (last != null && order.compare(last, key) >= 0) {
            throw new IllegalStateException("the " + side + " side is not strictly sorted: " + key + " after " + last);
        }
        return key;
    }

    @Override
    public boolean hasNext() {
        return left != null || right != null;
    }

    @Override
    public Pair<L, R> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int c = left == null ? 1 : right == null ? -1 : order.compare(leftKey.apply(left), rightKey.apply(right));
        Pair<L, R> p;
        if (c < 0) {
            p = new Pair<>(leftKey.apply(left), left, null);
            left = nextLeft();
        } else if (c > 0) {
            p = new Pair<>(rightKey.apply(right), null, right);
            right = nextRight();
        } else {
            p = new Pair<>(leftKey.apply(left), left, right);
            left = nextLeft();
            right = nextRight();
        }
        return p;
    }
}
