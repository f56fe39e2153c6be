package dev.owui.backup.testkit;

import java.util.List;
import java.util.Random;

/** Upload names: the awkward ones real users produce, ordinary ones, and how Open WebUI stores them. */
final class Names {

    static final String EMPTY = "empty.txt";

    /** More than 200 characters: Open WebUI stores such an upload as {@code <uuid>.<ext>}. */
    static final String LONG = "Minutes of the extended steering committee meeting on the migration of the "
            + "document management platform, including all appendices, action items, the updated risk register "
            + "and the revised budget for the next fiscal year (final, approved version).pdf";

    /** Ordered so that even a few uploads get the long name and the empty file. */
    static final List<String> AWKWARD = List.of("quarterly report 2024.pdf", LONG, EMPTY, "it's mine.txt",
            "the \"final\" draft.docx", "résumé été.pdf", "日本語の資料.pdf", "party plan 🎉.md");

    private static final String[] SMALL = {"notes-%04d.md", "invoice-%04d.pdf", "dataset-%04d.csv",
        "minutes-%04d.txt", "proposal-%04d.docx", "diagram-%04d.png", "paper-%04d.pdf"};
    private static final int MAX_NAME = 200;

    private Names() {
    }

    /** An ordinary name; large uploads are PDFs (scans, handbooks), as in real instances. */
    static String regular(Random random, int index, long size) {
        if (size >= 1_000_000) {
            return String.format(random.nextBoolean() ? "handbook-%04d.pdf" : "scan-%04d.pdf", index);
        }
        return String.format(SMALL[random.nextInt(SMALL.length)], index);
    }

    /** The name in uploads/: {@code <id>_<name>}, or {@code <id>.<ext>} when the name is too long. */
    static String stored(String id, String name) {
        if (name.length() <= MAX_NAME) {
            return id + "_" + name;
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? id : id + name.substring(dot);
    }

    static Content.Kind kind(String name) {
        String n = name.toLowerCase();
        if (n.endsWith(".pdf")) {
            return Content.Kind.PDF;
        }
        if (n.endsWith(".docx") || n.endsWith(".png")) {
            return Content.Kind.BINARY;
        }
        return Content.Kind.TEXT;
    }
}
