package io.billingsnapshot.rerate;

/**
 * A re-rate call that stopped on an error. What it committed before stays committed; the message
 * says how far it got and how to continue. Lambda reports it as the invocation's error.
 */
public final class RerateFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RerateFailedException(String message) {
        super(message);
    }

    public RerateFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
