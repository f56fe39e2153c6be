package dev.owui.backup.restore;

import dev.owui.backup.OwuiException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The paths an operator names for a partial restore ({@code owui.paths}): literal paths or globs
 * relative to the backup root with '/' separators ({@code uploads/abc_report.pdf},
 * {@code uploads/*.pdf}, {@code vector_db/**}); a pattern naming a folder selects everything
 * below it, as the backup's own excludes do.
 */
public final class PathPatterns {
    private static final String GLOB_CHARS = "*?[{";

    private final List<String> patterns = new ArrayList<>();
    private final List<PathMatcher> matchers = new ArrayList<>();

    public PathPatterns(List<String> raw) {
        for (String r : raw == null ? List.<String>of() : raw) {
            String p = r == null ? "" : r.trim();
            while (p.startsWith("./")) {
                p = p.substring(2);
            }
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            if (Path.of(p).normalize().startsWith("..")) {
                throw new OwuiException("owui.paths entry '" + r + "' leaves the backup root",
                        "name paths relative to the backup root, e.g. uploads/<file> or vector_db/**");
            }
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
            } catch (PatternSyntaxException | InvalidPathException e) {
                throw new OwuiException("owui.paths entry '" + r + "' is not a valid glob: " + e.getMessage(),
                        "use * within one folder, ** across folders, ? for one character");
            }
            patterns.add(p);
        }
        if (patterns.isEmpty()) {
            throw new OwuiException("owui.paths names no path", "give paths relative to the backup root, comma-separated, e.g. -Dowui.paths=uploads/*.pdf,vector_db/**");
        }
    }

    public List<String> patterns() {
        return patterns;
    }

    public int size() {
        return patterns.size();
    }

    /**
     * Index of the first pattern that selects {@code rel} (itself or a folder above it), or -1. A
     * pattern equal to the path selects it too: upload names such as {@code report [v2].pdf}
     * hold glob characters and must still be nameable as they are.
     */
    public int match(String rel) {
        if (rel.isEmpty()) {
            return -1;
        }
        for (Path q = Path.of(rel); q != null; q = q.getParent()) {
            String s = q.toString();
            for (int i = 0; i < matchers.size(); i++) {
                if (patterns.get(i).equals(s) || matchers.get(i).matches(q)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * The backup's paths closest to what the pattern names, for the "matches nothing" message:
     * those sharing the longest prefix with the pattern's literal part, then by edit distance.
     * Computed only on failure; the prefix pass keeps it linear in the number of paths.
     */
    public static List<String> nearest(String pattern, List<String> paths, int limit) {
        int cut = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            if (GLOB_CHARS.indexOf(pattern.charAt(i)) >= 0) {
                cut = i;
                break;
            }
        }
        String literal = pattern.substring(0, cut);
        int best = -1;
        List<String> candidates = new ArrayList<>();
        for (String p : paths) {
            int l = commonPrefix(literal, p);
            if (l > best) {
                best = l;
                candidates.clear();
            }
            if (l == best && candidates.size() < 5000) {
                candidates.add(p);
            }
        }
        String plain = pattern.replaceAll("[*?\\[\\]{}]", "");
        candidates.sort(Comparator.comparingInt((String p) -> distance(plain, p)).thenComparing(p -> p));
        return candidates.subList(0, Math.min(limit, candidates.size()));
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** Levenshtein distance, two rows. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
