package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The tests' one way to make an {@link SQSEvent}: the event JSON Lambda sends, read by the
 * Lambda Java runtime's own serializer (the one aws-lambda-java-tests' {@link EventLoader}
 * uses), so what reaches the handler is what Lambda would hand it, null and missing fields
 * included.
 */
public final class SqsEvents {

    public static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:request-completions";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PojoSerializer<SQSEvent> RUNTIME_SERIALIZER =
            LambdaEventSerializers.serializerFor(SQSEvent.class, SqsEvents.class.getClassLoader());

    private SqsEvents() {
    }

    public static SQSEvent of(List<SqsRecord> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        long sequence = 1_884_949_646_046_769_612L;
        for (SqsRecord record : records) {
            array.add(json(record, sequence++));
        }
        return fromJson(event.toString());
    }

    public static SQSEvent of(SqsRecord... records) {
        return of(List.of(records));
    }

    /** Event JSON as Lambda posts it to the runtime, deserialised as the runtime does. */
    public static SQSEvent fromJson(String json) {
        return RUNTIME_SERIALIZER.fromJson(json);
    }

    private static ObjectNode json(SqsRecord record, long sequence) {
        ObjectNode r = JSON.createObjectNode();
        if (record.messageId() != null) {
            r.put("messageId", record.messageId());
        }
        r.put("receiptHandle", "AQEB-" + record.messageId() + "-" + record.receiveCount());
        r.put("body", record.body());
        ObjectNode attributes = r.putObject("attributes");
        String sent = Long.toString(BillingFixture.NOW.toEpochMilli());
        attributes.put("ApproximateReceiveCount", Integer.toString(record.receiveCount()));
        attributes.put("SentTimestamp", sent);
        attributes.put("SenderId", "AIDAEXAMPLE");
        attributes.put("ApproximateFirstReceiveTimestamp", sent);
        if (record.groupId() != null) {
            attributes.put("MessageGroupId", record.groupId());
        }
        if (record.fifoQueue()) {
            attributes.put("SequenceNumber", Long.toString(sequence));
            attributes.put("MessageDeduplicationId", String.valueOf(record.messageId()));
        }
        r.putObject("messageAttributes");
        r.put("md5OfBody", "00000000000000000000000000000000");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", record.fifoQueue() ? QUEUE_ARN + ".fifo" : QUEUE_ARN);
        r.put("awsRegion", "us-east-1");
        return r;
    }
}
