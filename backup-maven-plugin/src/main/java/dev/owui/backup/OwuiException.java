package dev.owui.backup;

/**
 * An expected failure that the operator can act on: bad input, an unusable target, a damaged
 * backup. The message names what failed and where; {@link #remedy()} says what to do about it.
 * Mojos turn it into a MojoFailureException; anything else is a bug or an environment fault.
 */
public class OwuiException extends RuntimeException {
    private final String remedy;

    public OwuiException(String problem, String remedy) {
        this(problem, remedy, null);
    }

    public OwuiException(String problem, String remedy, Throwable cause) {
        super(problem, cause);
        this.remedy = remedy;
    }

    public String problem() {
        return super.getMessage();
    }

    public String remedy() {
        return remedy;
    }

    /** One line: the problem and, when known, the remedy. */
    @Override
    public String getMessage() {
        return remedy == null || remedy.isBlank() ? problem() : problem() + " — " + remedy;
    }
}
