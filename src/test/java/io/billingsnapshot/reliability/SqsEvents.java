package io.billingsnapshot.reliability;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.billingsnapshot.testing.BillingFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * SQS events in the exact JSON shape Lambda sends, turned into {@link SQSEvent} objects by
 * aws-lambda-java-tests' {@link EventLoader}, which uses the Lambda runtime's own serializer:
 * what reaches the handler is what Lambda would hand it, null and missing fields included.
 */
final class SqsEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:request-completions";

    private SqsEvents() {
    }

    static SQSEvent of(List<SqsRecord> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        long sequence = 1_884_949_646_046_769_612L;
        for (SqsRecord record : records) {
            array.add(json(record, sequence++));
        }
        return load(event);
    }

    static SQSEvent of(SqsRecord... records) {
        return of(List.of(records));
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
            attributes.put("SequenceNumber", Long.toString(sequence));
            attributes.put("MessageDeduplicationId", String.valueOf(record.messageId()));
        }
        r.putObject("messageAttributes");
        r.put("md5OfBody", "00000000000000000000000000000000");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", record.groupId() == null ? QUEUE_ARN : QUEUE_ARN + ".fifo");
        r.put("awsRegion", "us-east-1");
        return r;
    }

    /** EventLoader reads a classpath resource or a file; a temporary file keeps each event exact. */
    private static SQSEvent load(ObjectNode event) {
        Path file = null;
        try {
            file = Files.createTempFile("sqs-event-", ".json");
            Files.writeString(file, JSON.writeValueAsString(event), StandardCharsets.UTF_8);
            return EventLoader.loadSQSEvent(file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }
}
