package io.billingsnapshot.message;

/**
 * A message body that does not satisfy docs/design.md §3. The reason is safe to log: it names
 * the offending field and rule, never the body.
 */
public final class InvalidMessageException extends Exception {

    public InvalidMessageException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
