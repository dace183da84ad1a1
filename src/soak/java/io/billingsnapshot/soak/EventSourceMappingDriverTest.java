package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.MutableClock;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

@Tag("soak")
class EventSourceMappingDriverTest {

    private static final MappingSettings FAST = MappingSettings.defaults()
            .withPollers(2).withBatchSize(10).withVisibilityTimeoutSeconds(5).withRetryDelaySeconds(0)
            .withInvocationTimeout(Duration.ofSeconds(5)).withTimeBudget(Duration.ofSeconds(15));

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();

    private SourceQueue standardQueue(int maxReceiveCount) {
        return SourceQueue.create(sqs, "source-" + UUID.randomUUID(), maxReceiveCount);
    }

    @Test
    void deletesTheRecordsTheHandlerDidNotReportFailedAndStopsWhenTheQueueIsDrained() {
        SourceQueue queue = standardQueue(3);
        List<SentMessage> sent = queue.sendAll(IntStream.range(0, 25).mapToObj(i -> "ok" + i).toList());
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST).run(handler);

        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
        assertThat(handler.processedLabels()).hasSize(25).doesNotHaveDuplicates();
        assertThat(handler.deliveries()).extracting(r -> r.getMessageId())
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(SentMessage::messageId).toList());
        assertThat(queue.sent()).isEqualTo(sent);
        assertThat(report.records()).isEqualTo(25);
        assertThat(report.recordsDeleted()).isEqualTo(25);
        assertThat(report.redeliveries()).isZero();
        assertThat(report.leftOnQueue()).isZero();
        assertThat(QueueDepth.of(sqs, queue.url()).drained()).isTrue();
    }

    @Test
    void stopsAtOnceOnAnEmptyQueue() {
        SourceQueue queue = standardQueue(3);

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST).run(new ScriptedHandler());

        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
        assertThat(report.invocations()).isZero();
    }

    @Test
    void redeliversAReportedFailureAndDeletesItOnceItSucceeds() {
        SourceQueue queue = standardQueue(3);
        SentMessage flaky = queue.send("flaky:fail-first");
        queue.send("ok");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST).run(handler);

        assertThat(handler.deliveriesOf("flaky")).isEqualTo(2);
        assertThat(handler.deliveriesOf("ok")).isEqualTo(1);
        assertThat(handler.deliveries()).filteredOn(r -> r.getMessageId().equals(flaky.messageId()))
                .extracting(r -> r.getAttributes().get("ApproximateReceiveCount")).containsExactly("1", "2");
        assertThat(report.failuresReported()).isEqualTo(1);
        assertThat(report.redeliveries()).isEqualTo(1);
        assertThat(report.recordsDeleted()).isEqualTo(2);
        assertThat(report.deadLetters()).isEmpty();
        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
    }

    @Test
    void movesARecordThatKeepsFailingToTheDeadLetterQueueAfterMaxReceiveCountWithItsReason() {
        SourceQueue queue = standardQueue(3);
        SentMessage poison = queue.send("poison:fail");
        queue.send("ok");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST)
                .withFailureReasons(handler::failureReason)
                .run(handler);

        assertThat(handler.deliveriesOf("poison")).isEqualTo(3);
        assertThat(report.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.messageId()).isEqualTo(poison.messageId());
            assertThat(dead.body()).isEqualTo("poison:fail");
            assertThat(dead.receiveCount()).isGreaterThan(3);
            assertThat(dead.lastFailureReason()).isEqualTo(ScriptedHandler.FAILURE_REASON);
        });
        assertThat(report.failuresByReason()).containsEntry(ScriptedHandler.FAILURE_REASON, 3L);
        assertThat(report.recordsDeleted()).isEqualTo(1);
        assertThat(report.stoppedBy()).isEqualTo(StopReason.DRAINED);
        assertThat(QueueDepth.of(sqs, queue.deadLetterUrl()).drained()).as("the driver empties the DLQ").isTrue();
    }

    @Test
    void redeliversTheWholeBatchWhenTheInvocationThrows() {
        SourceQueue queue = standardQueue(3);
        queue.send("a");
        queue.send("boom:crash-first");
        queue.send("b");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST.withPollers(1)).run(handler);

        assertThat(handler.invocations().get(0)).hasSize(3);
        assertThat(List.of("a", "boom", "b")).allSatisfy(label -> assertThat(handler.deliveriesOf(label)).isEqualTo(2));
        assertThat(report.invocationsThrown()).isEqualTo(1);
        assertThat(report.recordsFailedWithTheirBatch()).isEqualTo(3);
        assertThat(report.failuresByReason()).containsEntry("invocation threw IllegalStateException", 3L);
        // "a" was handled before the crash and again on redelivery: at least once, not exactly once.
        assertThat(handler.processedLabels()).containsExactlyInAnyOrder("a", "a", "boom", "b");
    }

    @Test
    void treatsAResponseNamingAnUnknownIdAsAFailureOfTheWholeBatch() {
        SourceQueue queue = standardQueue(3);
        queue.send("a");
        queue.send("liar:bad-response-first");
        ScriptedHandler handler = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, FAST.withPollers(1)).run(handler);

        assertThat(handler.deliveriesOf("a")).isEqualTo(2);
        assertThat(handler.deliveriesOf("liar")).isEqualTo(2);
        assertThat(report.invalidResponses()).isEqualTo(1);
        assertThat(report.recordsFailedWithTheirBatch()).isEqualTo(2);
    }

    @Test
    void failsTheWholeBatchOfAnInvocationThatRunsPastItsTimeout() {
        SourceQueue queue = standardQueue(3);
        queue.send("sloth:slow-first");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        ScriptedHandler handler = new ScriptedHandler(clock); // slow-first moves the clock 1 s
        MappingSettings shortTimeout = FAST.withPollers(1).withInvocationTimeout(Duration.ofMillis(300));

        MappingReport report = new EventSourceMappingDriver(sqs, queue, shortTimeout).withClock(clock).run(handler);

        assertThat(handler.deliveriesOf("sloth")).isEqualTo(2);
        assertThat(report.invocationsTimedOut()).isEqualTo(1);
        assertThat(handler.remainingMillisSeen()).containsOnly(300);
    }

    @Test
    void stopsAtTheTimeBudgetWhenTheQueueNeverDrains() {
        SourceQueue queue = standardQueue(1_000);
        queue.send("stubborn:fail");
        MappingSettings oneSecond = FAST.withTimeBudget(Duration.ofSeconds(1));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        Duration perInvocation = Duration.ofMillis(100);
        ScriptedHandler scripted = new ScriptedHandler();

        MappingReport report = new EventSourceMappingDriver(sqs, queue, oneSecond).withClock(clock)
                .run((event, context) -> {
                    clock.advance(perInvocation); // time passes with the work done, not with the machine's speed
                    return scripted.handleRequest(event, context);
                });

        assertThat(report.stoppedBy()).isEqualTo(StopReason.TIME_BUDGET);
        assertThat(report.elapsed()).isBetween(Duration.ofSeconds(1),
                Duration.ofSeconds(1).plus(perInvocation.multipliedBy(oneSecond.pollers())));
        assertThat(report.invocations()).isGreaterThan(1);
        assertThat(report.leftOnQueue()).isEqualTo(1);
        assertThat(report.deadLetters()).isEmpty();
    }

    @Test
    void givesEachPollerItsOwnHandlerInstance() {
        SourceQueue queue = standardQueue(3);
        queue.send("ok");
        AtomicInteger created = new AtomicInteger();

        new EventSourceMappingDriver(sqs, queue, FAST.withPollers(3)).run(() -> {
            created.incrementAndGet();
            return new ScriptedHandler();
        });

        assertThat(created).hasValue(3);
    }
}
