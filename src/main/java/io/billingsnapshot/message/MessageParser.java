package io.billingsnapshot.message;

import java.time.Instant;

/** Parses and validates request-completion message bodies (SPEC section 3). Pure. */
public final class MessageParser {

    /**
     * @param body the SQS message body
     * @param sentTimestamp the record's SentTimestamp: {@code billedAt} when the body has none
     * @throws InvalidMessageException with a loggable reason for anything SPEC section 3 rejects
     */
    public RequestCompletion parse(String body, Instant sentTimestamp) throws InvalidMessageException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
