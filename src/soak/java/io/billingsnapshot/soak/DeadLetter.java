package io.billingsnapshot.soak;

/**
 * A message the source queue's redrive policy moved to the dead-letter queue, with the
 * last failure the driver saw for it (null when it never saw one, e.g. when the
 * visibility timeout expired during an invocation that was still running).
 */
public record DeadLetter(String messageId, String body, int receiveCount, String lastFailureReason) {
}
