package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.soak.FakeLambdaContext;
import io.billingsnapshot.testing.BillingFixture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda timeout: the handler stops starting records {@code DEADLINE_RESERVE_MILLIS}
 * before it, reports the rest failed unprocessed, and still publishes and answers in time.
 * Time is real here (a trigger's pg_sleep makes one write slow), read through the clock the
 * handler and the fake Lambda context share.
 */
class TimeBudgetTest {

    private static final Duration RESERVE = Duration.ofMillis(1_500);
    private static final Duration PLENTY = Duration.ofMinutes(5);

    private final Clock clock = Clock.systemUTC();
    private BillingFixture fixture;
    private Ledger ledger;
    private WiredHandler wired;
    private BillingSnapshotHandler handler;
    private CapturedLogs logs;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        ledger = new Ledger(fixture.db);
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.put("DEADLINE_RESERVE_MILLIS", Long.toString(RESERVE.toMillis()));
        // Record by record: these tests pin the per-message path's partial progress; the
        // set-based path's all-or-nothing is FastPathReliabilityTest's.
        env.put("FAST_PATH_MIN_BATCH_SIZE", "0");
        wired = new WiredHandler(env, fixture.sqs, clock, () -> fixture.metrics);
        handler = wired.handler;
        SlowInserts.install(fixture.db);
        // A warm execution environment: the connection is open before the timed invocation.
        handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(PLENTY, clock));
        logs = CapturedLogs.start();
    }

    @AfterEach
    void tearDown() {
        logs.close();
        ledger.close();
        wired.close();
        fixture.close();
    }

    @Test
    void aBatchThatWouldRunPastTheTimeoutStopsEarlyAndAnswersInTimeWithTheRestFailedAndUnwritten() {
        List<GoodMessage> messages = messages(6);
        // Starts well before the 1.5 s cut-off and would end after it (at about 2 s): its statement
        // is cancelled at the cut-off, its transaction rolled back.
        SlowInserts.slow(fixture.db, messages.get(2).request().requestLogId(), Duration.ofSeconds(2));
        FakeLambdaContext context = FakeLambdaContext.startingNow(Duration.ofSeconds(3), clock);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(standard(messages)), context);
        Instant answered = clock.instant();

        assertThat(answered).as("answered before the timeout").isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m2", "m3", "m4", "m5");
        assertThat(logs.events("record_failed")).extracting(line -> line.get("reason")).containsOnly("deadline_reached");
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
        List<SqsRecord> redelivered = standard(messages.subList(2, 6)).stream().map(SqsRecord::redelivered).toList();
        assertThat(failedIds(handler.handleRequest(SqsEvents.of(redelivered),
                FakeLambdaContext.startingNow(PLENTY, clock)))).isEmpty();
        published.addAll(fixture.drainDeltas());
        messages.forEach(m -> m.assertPublishedOnceIn(published));
        assertThat(ledger.snapshots()).isEqualTo(6);
    }

    @Test
    void aBatchGivenLessTimeThanTheReserveStartsNothingAndAnswersAtOnce() {
        List<GoodMessage> messages = messages(3);
        FakeLambdaContext context = FakeLambdaContext.startingNow(RESERVE.minusMillis(500), clock);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(standard(messages)), context);

        assertThat(clock.instant()).isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m0", "m1", "m2");
        assertThat(ledger.snapshots()).isZero();
        assertThat(ledger.outboxRows()).isZero();
    }

    private List<GoodMessage> messages(int count) {
        List<GoodMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new GoodMessage("m" + i, ledger.request(), 10_000 * (i + 1), 3_000 * (i + 1)));
        }
        return messages;
    }

    private static List<SqsRecord> standard(List<GoodMessage> messages) {
        return messages.stream().map(GoodMessage::standard).toList();
    }
}
