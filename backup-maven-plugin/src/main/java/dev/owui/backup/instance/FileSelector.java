package dev.owui.backup.instance;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which paths of a data directory go into a backup. Patterns are globs over the path
 * relative to the data directory with '/' separators ({@code cache}, {@code uploads/**.tmp},
 * {@code audit*.log}); a pattern that matches a directory selects everything below it.
 */
public final class FileSelector {
    /** Regenerable models and scratch (1 GB+ on a fresh instance) and the audit log. */
    public static final List<String> DEFAULT_EXCLUDES = List.of("cache", "audit.log", "audit*.log");
    /** Our own leftovers (a restore's staging or set-aside folders) never go into a backup. */
    private static final List<String> ALWAYS_EXCLUDED = List.of(".owui-*");

    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final List<String> includePatterns;
    private final List<String> excludePatterns;

    public FileSelector(List<String> includes, List<String> excludes) {
        this.includePatterns = includes == null ? List.of() : List.copyOf(includes);
        this.excludePatterns = excludes == null ? DEFAULT_EXCLUDES : List.copyOf(excludes);
        this.includes = compile(includePatterns);
        List<String> all = new ArrayList<>(excludePatterns);
        all.addAll(ALWAYS_EXCLUDED);
        this.excludes = compile(all);
    }

    public static FileSelector defaults() {
        return new FileSelector(null, null);
    }

    public List<String> includePatterns() {
        return includePatterns;
    }

    public List<String> excludePatterns() {
        return excludePatterns;
    }

    /** Whether a directory's contents may hold selected files (excluded directories are not walked). */
    public boolean walkInto(String relDir) {
        return !matchesSelfOrParent(excludes, relDir);
    }

    /** Whether a file is selected. */
    public boolean selects(String relFile) {
        if (matchesSelfOrParent(excludes, relFile)) {
            return false;
        }
        return includes.isEmpty() || matchesSelfOrParent(includes, relFile);
    }

    private static boolean matchesSelfOrParent(List<PathMatcher> matchers, String rel) {
        if (matchers.isEmpty() || rel.isEmpty()) {
            return false;
        }
        Path p = Path.of(rel);
        for (Path q = p; q != null; q = q.getParent()) {
            for (PathMatcher m : matchers) {
                if (m.matches(q)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<PathMatcher> compile(List<String> patterns) {
        List<PathMatcher> out = new ArrayList<>();
        for (String raw : patterns) {
            String p = raw.trim();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
            }
        }
        return out;
    }
}
