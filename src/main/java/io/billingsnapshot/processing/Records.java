package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What we read from an SQS record's envelope. */
final class Records {

    /** SQS requires the name of a FIFO queue, hence the end of its ARN, to be this. */
    private static final String FIFO_SUFFIX = ".fifo";

    private Records() {
    }

    /**
     * The message group whose order must hold: only a FIFO queue's (its ARN ends in {@code .fifo}).
     * A standard queue's records may carry {@code MessageGroupId} too (SQS fair queues put the
     * tenant there), which orders nothing: empty then, as without a group.
     */
    static Optional<String> fifoGroup(SQSMessage record) {
        String queueArn = record.getEventSourceArn();
        Map<String, String> attributes = record.getAttributes();
        if (queueArn == null || !queueArn.endsWith(FIFO_SUFFIX) || attributes == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(attributes.get("MessageGroupId"));
    }

    /** When SQS received the message; the default {@code billedAt}. */
    static Instant sentTimestamp(SQSMessage record, Instant fallback) {
        Map<String, String> attributes = record.getAttributes();
        String millis = attributes == null ? null : attributes.get("SentTimestamp");
        if (millis != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(millis));
            } catch (NumberFormatException ignored) {
                // fall back below
            }
        }
        return fallback;
    }
}
