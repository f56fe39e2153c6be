package dev.owui.backup.notify;

/** One channel a report is sent through. Used through {@link Notifications}, which never lets it fail a run. */
public interface Notifier {
    /** For messages: "webhook https://hooks.example.org/…", "mail to ops@example.org". Never a credential. */
    String name();

    When when();

    /** Sends the report; throws when it could not. */
    void send(Report report) throws Exception;
}
