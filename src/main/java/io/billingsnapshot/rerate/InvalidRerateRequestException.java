package io.billingsnapshot.rerate;

/**
 * A re-rate request refused before anything is read or written; the message says which field is
 * wrong and what is expected. Lambda reports it as the invocation's error.
 */
public final class InvalidRerateRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidRerateRequestException(String message) {
        super(message);
    }
}
