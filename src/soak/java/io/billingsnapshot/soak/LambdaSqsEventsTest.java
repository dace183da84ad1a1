package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.TestSqs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

@Tag("soak")
class LambdaSqsEventsTest {

    private static final MappingSettings ONE_POLLER = MappingSettings.defaults().withPollers(1)
            .withVisibilityTimeoutSeconds(5).withTimeBudget(Duration.ofSeconds(10));

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();


    @Test
    void handsTheHandlerTheRecordLambdaWouldBuildFromAStandardQueueMessage() throws Exception {
        SourceQueue queue = SourceQueue.create(sqs, "events-" + UUID.randomUUID(), 3);
        Instant before = Instant.now();
        String body = "{\"requestLogId\":\"" + UUID.randomUUID() + "\"}";
        String messageId = sqs.sendMessage(r -> r.queueUrl(queue.url()).messageBody(body).messageAttributes(Map.of(
                "traceparent", MessageAttributeValue.builder().dataType("String").stringValue("00-abc-01").build(),
                "attempt", MessageAttributeValue.builder().dataType("Number").stringValue("2").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromByteArray(new byte[] {1, 2, 3})).build()))).messageId();
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();

        new EventSourceMappingDriver(sqs, queue, ONE_POLLER).run(EventSourceMappingDriver.handler(event -> {
            seen.addAll(event.getRecords());
            return new SQSBatchResponse(List.of());
        }));

        assertThat(seen).singleElement().satisfies(record -> {
            assertThat(record.getMessageId()).isEqualTo(messageId);
            assertThat(record.getReceiptHandle()).isNotBlank();
            assertThat(record.getBody()).isEqualTo(body);
            assertThat(record.getMd5OfBody()).isEqualTo(md5Hex(body));
            assertThat(record.getEventSource()).isEqualTo("aws:sqs");
            assertThat(record.getEventSourceArn()).isEqualTo(queue.arn()).startsWith("arn:aws:sqs:");
            assertThat(record.getAwsRegion()).isEqualTo("us-east-1");
            assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1")
                    .containsKeys("SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId")
                    .doesNotContainKeys("MessageGroupId", "SequenceNumber");
            assertThat(Instant.ofEpochMilli(Long.parseLong(record.getAttributes().get("SentTimestamp"))))
                    .isBetween(before.minusSeconds(1), Instant.now());
            assertThat(record.getMessageAttributes().get("traceparent").getStringValue()).isEqualTo("00-abc-01");
            assertThat(record.getMessageAttributes().get("attempt").getDataType()).isEqualTo("Number");
            assertThat(record.getMessageAttributes().get("blob").getBinaryValue().array()).containsExactly(1, 2, 3);
            assertThat(record.getMd5OfMessageAttributes()).isNotBlank();
        });
    }

    @Test
    void carriesTheMessageGroupAndSequenceNumberOfAFifoMessage() {
        SourceQueue queue = SourceQueue.create(sqs, "events-" + UUID.randomUUID() + ".fifo", 3);
        SentMessage first = queue.send("first", "group-a");
        SentMessage second = queue.send("second", "group-a");
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();

        new EventSourceMappingDriver(sqs, queue, ONE_POLLER).run(EventSourceMappingDriver.handler(event -> {
            seen.addAll(event.getRecords());
            return new SQSBatchResponse(List.of());
        }));

        assertThat(seen).extracting(SQSEvent.SQSMessage::getMessageId)
                .containsExactly(first.messageId(), second.messageId());
        assertThat(seen).allSatisfy(record -> assertThat(record.getAttributes())
                .containsEntry("MessageGroupId", "group-a")
                .containsKeys("MessageDeduplicationId", "SequenceNumber"));
        assertThat(Long.parseLong(seen.get(1).getAttributes().get("SequenceNumber")))
                .isGreaterThan(Long.parseLong(seen.get(0).getAttributes().get("SequenceNumber")));
    }

    private static String md5Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
