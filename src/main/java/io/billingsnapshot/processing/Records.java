package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What we read from an SQS record's envelope. */
final class Records {

    private Records() {
    }

    /** The FIFO message group; empty on a standard queue. */
    static Optional<String> messageGroupId(SQSMessage record) {
        Map<String, String> attributes = record.getAttributes();
        return attributes == null ? Optional.empty() : Optional.ofNullable(attributes.get("MessageGroupId"));
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
