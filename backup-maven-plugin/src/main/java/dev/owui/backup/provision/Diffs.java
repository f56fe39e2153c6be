package dev.owui.backup.provision;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.List;

/** Unified diffs (java-diff-utils) of what is on a host against what would be there, for owui.diff. */
final class Diffs {
    private Diffs() {
    }

    /** {@code before} null: the file does not exist; {@code after} null: it will be removed. */
    static String unified(String name, String before, String after) {
        List<String> a = before == null ? List.of() : before.lines().toList();
        List<String> b = after == null ? List.of() : after.lines().toList();
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : name + " (on the host)",
                after == null ? "/dev/null" : name + " (rendered)", a, DiffUtils.diff(a, b), 3);
        return String.join("\n", diff.stream().map(Diffs::redact).toList());
    }

    /**
     * A user's crontab may set secrets in environment lines (AWS_SECRET_ACCESS_KEY=…) that a diff
     * shows as context; their values never reach the build log.
     */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(
            "^([ +-]\\s*(?:export\\s+)?[A-Za-z_][A-Za-z0-9_]*(?:KEY|SECRET|PASS|PASSWORD|PASSWD|TOKEN|CREDENTIALS?)[A-Za-z0-9_]*\\s*=).*$",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    static String redact(String line) {
        return SECRET.matcher(line).replaceFirst("$1***");
    }
}
