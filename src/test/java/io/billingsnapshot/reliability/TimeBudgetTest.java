package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.MutableClock;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda timeout: the handler stops starting records {@code DEADLINE_RESERVE_MILLIS}
 * before it, reports the rest failed unprocessed, and still publishes and answers in time.
 * Time is a clock the handler and the fake Lambda context share, moved by the test: a
 * trigger holds one write until the test has moved the clock past the cut-off, so the
 * outcome does not depend on how fast the machine runs the other records.
 */
class TimeBudgetTest {

    private static final Duration RESERVE = Duration.ofMillis(1_500);
    private static final Duration PLENTY = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock(BillingFixture.NOW);
    private BillingFixture fixture;
    private Ledger ledger;
    private BillingSnapshotHandler handler;
    private CapturedLogs logs;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        ledger = new Ledger(fixture.db);
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.put("DEADLINE_RESERVE_MILLIS", Long.toString(RESERVE.toMillis()));
        // Sets of one: these tests pin their partial progress; the all-or-nothing of a whole
        // batch is WholeBatchReliabilityTest's.
        env.put(EnvVars.WHOLE_BATCH_MIN_SIZE, "0");
        handler = fixture.functions.billing(env, fixture.sqs.client(), () -> fixture.metrics, clock).handler();
        SlowInserts.install(fixture.db);
        // A warm execution environment: the connection is open before the timed invocation.
        handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(PLENTY, clock));
        logs = CapturedLogs.start();
    }

    @AfterEach
    void tearDown() {
        logs.close();
        ledger.close();
        fixture.close();
    }

    @Test
    void aBatchThatWouldRunPastTheTimeoutStopsEarlyAndAnswersInTimeWithTheRestFailedAndUnwritten() throws Exception {
        List<GoodMessage> messages = ledger.goodMessages(6);
        SlowInserts.holdAtGate(fixture.db, messages.get(2).request().requestLogId());
        FakeLambdaContext context = FakeLambdaContext.startingNow(Duration.ofSeconds(3), clock);

        SQSBatchResponse response;
        try (SlowInserts.Gate gate = SlowInserts.closedGate(fixture.db)) {
            CompletableFuture<SQSBatchResponse> answer = CompletableFuture.supplyAsync(
                    () -> handler.handleRequest(SqsEvents.of(GoodMessage.standard(messages)), context));
            gate.awaitWriterWaiting();
            // The third write started before the 1.5 s cut-off and is still waiting when the clock
            // passes it: its statement, bounded by the time left when it started, is cancelled and
            // its transaction rolled back; the gate never opens.
            clock.advance(Duration.ofSeconds(2));
            response = answer.get(Await.HANG_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        Instant answered = clock.instant();

        assertThat(answered).as("answered before the timeout").isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m2", "m3", "m4", "m5");
        assertThat(logs.events(LogEvent.RECORD_FAILED)).extracting(line -> line.get("reason"))
                .containsOnly(FailureReason.DEADLINE_REACHED.wireName());
        List<QuotaDelta> published = fixture.drainDeltas();
        for (GoodMessage done : messages.subList(0, 2)) {
            assertThat(ledger.finalCost(done.request().requestLogId())).isEqualTo(done.cost().doubleValue());
            done.assertPublishedOnceIn(published);
        }
        for (GoodMessage unwritten : messages.subList(2, 6)) {
            assertThat(ledger.snapshots(unwritten.request().requestLogId())).isZero();
        }
        assertThat(ledger.outboxRows()).isZero();

        SlowInserts.clear(fixture.db);
        List<SqsRecord> redelivered = GoodMessage.standard(messages.subList(2, 6)).stream().map(SqsRecord::redelivered).toList();
        assertThat(failedIds(handler.handleRequest(SqsEvents.of(redelivered),
                FakeLambdaContext.startingNow(PLENTY, clock)))).isEmpty();
        published.addAll(fixture.drainDeltas());
        messages.forEach(m -> m.assertPublishedOnceIn(published));
        assertThat(ledger.snapshots()).isEqualTo(6);
    }

    @Test
    void aBatchGivenLessTimeThanTheReserveStartsNothingAndAnswersAtOnce() {
        List<GoodMessage> messages = ledger.goodMessages(3);
        FakeLambdaContext context = FakeLambdaContext.startingNow(RESERVE.minusMillis(500), clock);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(GoodMessage.standard(messages)), context);

        assertThat(clock.instant()).isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m0", "m1", "m2");
        assertThat(ledger.snapshots()).isZero();
        assertThat(ledger.outboxRows()).isZero();
    }
}
