package io.billingsnapshot.testing;

/**
 * One record of an SQS event as the event source mapping delivers it: the message id (null
 * leaves the field out), the body (may be null), the message group (null without one), whether
 * its queue is a FIFO queue, and how many times SQS has delivered it.
 */
public record SqsRecord(String messageId, String body, String groupId, boolean fifoQueue, int receiveCount) {

    public static SqsRecord standard(String messageId, String body) {
        return new SqsRecord(messageId, body, null, false, 1);
    }

    public static SqsRecord fifo(String messageId, String groupId, String body) {
        return new SqsRecord(messageId, body, groupId, true, 1);
    }

    /** A record of a standard queue sent with a message group: an SQS fair queue, the group its tenant. */
    public static SqsRecord fairQueue(String messageId, String groupId, String body) {
        return new SqsRecord(messageId, body, groupId, false, 1);
    }

    /** The same message delivered once more, as SQS does after a reported failure. */
    public SqsRecord redelivered() {
        return new SqsRecord(messageId, body, groupId, fifoQueue, receiveCount + 1);
    }

    /** The same message as first delivered (after a redrive from the dead-letter queue, say). */
    public SqsRecord firstDelivery() {
        return new SqsRecord(messageId, body, groupId, fifoQueue, 1);
    }
}
