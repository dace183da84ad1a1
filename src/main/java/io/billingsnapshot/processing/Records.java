package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.time.Instant;
import java.util.Map;

/** What we read from an SQS record's envelope. */
final class Records {

    private Records() {
    }

    /** The FIFO message group, or null on a standard queue. */
    static String messageGroupId(SQSMessage record) {
        Map<String, String> attributes = record.getAttributes();
        return attributes == null ? null : attributes.get("MessageGroupId");
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
