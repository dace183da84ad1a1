package io.billingsnapshot.testing;

/**
 * One record of an SQS event as the event source mapping delivers it: the message id (null
 * leaves the field out), the body (may be null), the FIFO message group (null on a standard
 * queue) and how many times SQS has delivered it.
 */
public record SqsRecord(String messageId, String body, String groupId, int receiveCount) {

    public static SqsRecord standard(String messageId, String body) {
        return new SqsRecord(messageId, body, null, 1);
    }

    public static SqsRecord fifo(String messageId, String groupId, String body) {
        return new SqsRecord(messageId, body, groupId, 1);
    }

    /** The same message delivered once more, as SQS does after a reported failure. */
    public SqsRecord redelivered() {
        return new SqsRecord(messageId, body, groupId, receiveCount + 1);
    }
}
