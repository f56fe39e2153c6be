package dev.owui.backup.quiesce;

import java.util.List;

/**
 * A command to run: an argv list run as it is, or a shell string run by {@code sh -c} (for pipes,
 * {@code &&}, variables). Never echoed with secrets: commands come from the pom or the command line.
 */
public record Command(List<String> argv) {
    public Command {
        if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("an empty command");
        }
        argv = List.copyOf(argv);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv));
    }

    /** A shell command line, run with {@code sh -c}. */
    public static Command shell(String line) {
        return new Command(List.of("sh", "-c", line));
    }

    /** How the command is shown in messages: the shell line itself, or the argv joined by spaces. */
    public String describe() {
        if (argv.size() == 3 && argv.get(0).equals("sh") && argv.get(1).equals("-c")) {
            return argv.get(2);
        }
        return String.join(" ", argv);
    }

    @Override
    public String toString() {
        return describe();
    }
}
