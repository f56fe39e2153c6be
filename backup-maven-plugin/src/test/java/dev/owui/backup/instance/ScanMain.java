package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Scans a data directory in a child JVM (whose locale a test chooses); prints the outcome as UTF-8, exits 2 on an OwuiException. */
public final class ScanMain {
    private ScanMain() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding"));
        try {
            int n = DataDirectory.open(Path.of(args[0])).scan(FileSelector.defaults(), out::println).size();
            out.println("scanned " + n);
        } catch (OwuiException e) {
            out.println(e.getMessage());
            System.exit(2);
        }
    }
}
