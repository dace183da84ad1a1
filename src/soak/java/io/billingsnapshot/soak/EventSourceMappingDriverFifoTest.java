package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

@Tag("soak")
class EventSourceMappingDriverFifoTest {

    private static final MappingSettings FAST = MappingSettings.defaults()
            .withPollers(3).withBatchSize(3).withVisibilityTimeoutSeconds(5).withRetryDelaySeconds(0)
            .withInvocationTimeout(Duration.ofSeconds(5)).withTimeBudget(Duration.ofSeconds(15));

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();

    private SourceQueue fifoQueue(int maxReceiveCount) {
        return SourceQueue.create(sqs, "source-" + UUID.randomUUID() + ".fifo", maxReceiveCount);
    }

    /** Sends {@code perGroup} messages to each group, interleaved, labelled group + index. */
    private static Map<String, List<String>> sendInterleaved(SourceQueue queue, List<String> groups, int perGroup,
            Map<String, String> behaviours) {
        Map<String, List<String>> sentLabels = new LinkedHashMap<>();
        for (int i = 0; i < perGroup; i++) {
            for (String group : groups) {
                String label = group + i;
                String behaviour = behaviours.getOrDefault(label, "");
                queue.send(behaviour.isEmpty() ? label : label + ":" + behaviour, group);
                sentLabels.computeIfAbsent(group, g -> new ArrayList<>()).add(label);
            }
        }
        return sentLabels;
    }

    private static Map<String, List<String>> byGroup(List<String> labels) {
        return labels.stream().collect(Collectors.groupingBy(label -> label.substring(0, 1),
                LinkedHashMap::new, Collectors.toList()));
    }

    @Test
    void neverHandsOneMessageGroupToTwoPollersAtOnce() {
        SourceQueue queue = fifoQueue(3);
        Map<String, List<String>> sent = sendInterleaved(queue, List.of("a", "b", "c", "d"), 6, Map.of());
        ScriptedHandler handler = new ScriptedHandler(25);

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST).run(handler);

        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
        assertThat(report.maxConcurrentInvocations()).as("pollers really ran at once").isGreaterThan(1);
        assertThat(handler.groupOverlaps()).as("groups seen in two invocations by the handler").isZero();
        assertThat(report.groupOverlaps()).isZero();
        assertThat(byGroup(handler.processedLabels())).isEqualTo(sent);
    }

    @Test
    void keepsGroupOrderWhenARecordFailsAndTheRestOfItsGroupInTheBatchIsFailedWithIt() {
        SourceQueue queue = fifoQueue(3);
        Map<String, List<String>> sent = sendInterleaved(queue, List.of("a", "b"), 5, Map.of("a1", "fail-first"));
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST.withBatchSize(10)).run(handler);

        assertThat(byGroup(handler.processedLabels())).isEqualTo(sent);
        assertThat(handler.deliveriesOf("a1")).isEqualTo(2);
        assertThat(handler.deliveriesOf("b1")).isEqualTo(1);
        assertThat(report.failuresReported()).as("a1 and the a records after it in its batch").isGreaterThan(1);
        for (List<SQSEvent.SQSMessage> batch : handler.invocations()) {
            assertThat(sequenceNumbersPerGroup(batch).values())
                    .allSatisfy(numbers -> assertThat(numbers).isSorted());
        }
    }

    @Test
    void movesAFifoRecordThatKeepsFailingToTheDeadLetterQueueAndThenLetsItsGroupGoOn() {
        SourceQueue queue = fifoQueue(2);
        SentMessage poison = queue.send("a0:fail", "a");
        queue.send("a1", "a");
        queue.send("b0", "b");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST.withBatchSize(1)).run(handler);

        assertThat(report.deadLetters()).extracting(DeadLetter::messageId).containsExactly(poison.messageId());
        assertThat(handler.deliveriesOf("a0")).isEqualTo(2);
        assertThat(handler.processedLabels()).containsExactlyInAnyOrder("a1", "b0");
        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
    }

    /**
     * The records failed unprocessed behind a poison record use up their receives too, so
     * with batches larger than one they reach the DLQ together with it (SQS counts every
     * receive). The soak must expect them there.
     */
    @Test
    void deadLettersTheRecordsFailedBehindAFifoPoisonRecordInItsBatchAlongWithIt() {
        SourceQueue queue = fifoQueue(2);
        SentMessage poison = queue.send("a0:fail", "a");
        SentMessage behind = queue.send("a1", "a");
        queue.send("b0", "b");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST.withBatchSize(3)).run(handler);

        assertThat(report.deadLetters()).extracting(DeadLetter::messageId)
                .containsExactlyInAnyOrder(poison.messageId(), behind.messageId());
        assertThat(report.deadLetters()).allSatisfy(dead -> assertThat(dead.lastFailureReason()).isNotNull());
        assertThat(handler.processedLabels()).containsExactly("b0");
    }

    private static Map<String, List<Long>> sequenceNumbersPerGroup(List<SQSEvent.SQSMessage> batch) {
        return batch.stream().collect(Collectors.groupingBy(r -> r.getAttributes().get("MessageGroupId"),
                Collectors.mapping(r -> Long.parseLong(r.getAttributes().get("SequenceNumber")), Collectors.toList())));
    }
}
