package io.billingsnapshot.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;

/**
 * One message put on the source queue, as the conservation check needs it: its SQS message
 * id and the request log it is about. {@code requestLogId} is null when the body names no
 * valid one (bad input); such a message can only end in the dead-letter queue.
 */
public record SentMessage(String messageId, UUID requestLogId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code requestLogId} leniently: any body that does not carry a valid UUID gives null. */
    public static SentMessage of(String messageId, String body) {
        return new SentMessage(messageId, requestLogIdIn(body));
    }

    private static UUID requestLogIdIn(String body) {
        try {
            JsonNode id = JSON.readTree(body).path("requestLogId");
            return id.isTextual() ? UUID.fromString(id.asText()) : null;
        } catch (Exception notJsonOrNotAUuid) {
            return null;
        }
    }
}
