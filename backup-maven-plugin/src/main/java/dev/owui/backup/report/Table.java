package dev.owui.backup.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: the short summary that ends each goal. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;

    public Table(String... header) {
        rows.add(header);
        rightAligned = new boolean[header.length];
    }

    /** Right-aligns the given columns (numbers). */
    public Table right(int... columns) {
        for (int c : columns) {
            rightAligned[c] = true;
        }
        return this;
    }

    public Table row(Object... cells) {
        String[] r = new String[rows.get(0).length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    public List<String> lines() {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (int n = 0; n < rows.size(); n++) {
            out.add(format(rows.get(n), width));
            if (n == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < width.length; i++) {
                    rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
                }
                out.add(rule.toString());
            }
        }
        return out;
    }

    private String format(String[] r, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            if (i > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(width[i] - r[i].length());
            sb.append(rightAligned[i] ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
        }
        return sb.toString();
    }

    public void printTo(EngineLog log) {
        lines().forEach(log::info);
    }
}
