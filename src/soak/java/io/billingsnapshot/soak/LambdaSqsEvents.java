package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.billingsnapshot.testing.SqsEvents;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Turns received SQS messages into the {@link SQSEvent} a Java function receives: the
 * event JSON the SQS event source mapping sends (documented shape: {@code Records},
 * {@code eventSourceARN}, string attributes, base64 binary values), read by the Lambda
 * Java runtime's own serializer, so the handler sees exactly what it would see deployed.
 */
public final class LambdaSqsEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String queueArn;
    private final String region;

    public LambdaSqsEvents(String queueArn, String region) {
        this.queueArn = queueArn;
        this.region = region;
    }

    public SQSEvent toEvent(List<Message> messages) {
        return SqsEvents.fromJson(toEventJson(messages));
    }

    /** The event payload as Lambda would post it to the runtime. */
    public String toEventJson(List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        messages.forEach(message -> records.add(toRecord(message)));
        return event.toString();
    }

    private ObjectNode toRecord(Message message) {
        ObjectNode record = JSON.createObjectNode();
        record.put("messageId", message.messageId());
        record.put("receiptHandle", message.receiptHandle());
        record.put("body", message.body());
        ObjectNode attributes = record.putObject("attributes");
        // SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, SenderId,
        // and for FIFO MessageGroupId, MessageDeduplicationId, SequenceNumber.
        new TreeMap<>(message.attributesAsStrings()).forEach(attributes::put);
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        message.messageAttributes().forEach((name, value) -> messageAttributes.set(name, toAttribute(value)));
        record.put("md5OfBody", message.md5OfBody());
        if (message.md5OfMessageAttributes() != null) {
            record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
        }
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", queueArn);
        record.put("awsRegion", region);
        return record;
    }

    private static ObjectNode toAttribute(MessageAttributeValue value) {
        ObjectNode attribute = JSON.createObjectNode();
        if (value.stringValue() != null) {
            attribute.put("stringValue", value.stringValue());
        }
        if (value.binaryValue() != null) {
            attribute.put("binaryValue", Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()));
        }
        ArrayNode strings = attribute.putArray("stringListValues");
        value.stringListValues().forEach(strings::add);
        ArrayNode binaries = attribute.putArray("binaryListValues");
        value.binaryListValues().forEach(b -> binaries.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        attribute.put("dataType", value.dataType());
        return attribute;
    }
}
