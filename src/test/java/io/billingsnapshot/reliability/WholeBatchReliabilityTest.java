package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.RestartablePostgres;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole batches under the faults {@link DatabaseOutageTest} and {@link TimeBudgetTest} put
 * sets of one through: a batch is one transaction, so it ends all written or
 * nothing written, and the redelivery writes and publishes every message once.
 */
class WholeBatchReliabilityTest {

    private static final Duration RESERVE = Duration.ofMillis(1_500);

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    @RegisterExtension
    final RestartablePostgres postgres = new RestartablePostgres();

    private final Clock clock = BillingFixture.ticking();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private TestDatabase.Db db;
    private Ledger ledger;
    private String deltaQueueUrl;
    private final HandlerFactory functions = new HandlerFactory();
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        db = postgres.db();
        ledger = Ledger.withPrices(db);
        deltaQueueUrl = SQS.createQueue("quota-deltas-" + UUID.randomUUID());
        Map<String, String> env = postgres.environment(SQS, deltaQueueUrl);
        env.put("DEADLINE_RESERVE_MILLIS", Long.toString(RESERVE.toMillis()));
        env.put(EnvVars.WHOLE_BATCH_MIN_SIZE, "2");
        handler = functions.billing(env, SQS.client(), () -> metrics, clock).handler();
        SlowInserts.install(db);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        functions.close();
    }

    @Test
    void theDatabaseStoppingDuringTheBatchTransactionCommitsNothingAndRedeliveryWritesEverythingOnce()
            throws Exception {
        List<GoodMessage> messages = ledger.goodMessages(6);
        SlowInserts.slow(db, messages.get(2).request().requestLogId(), Duration.ofSeconds(30));
        List<SqsRecord> records = GoodMessage.standard(messages);

        List<SqsRecord> failed = Redelivery.deliverStoppingTheServerMidInsert(handler, records, postgres);

        assertThat(ledger.snapshots()).as("one transaction: nothing committed").isZero();
        assertThat(ledger.outboxRows()).isZero();

        SlowInserts.clear(db);
        assertThat(Redelivery.deliver(handler, failed)).isEmpty();
        List<QuotaDelta> published = SQS.drainDeltas(deltaQueueUrl);
        assertThat(ledger.snapshots()).isEqualTo(messages.size());
        messages.forEach(m -> m.assertPublishedOnceIn(published));
        assertThat(ledger.outboxRows()).isZero();
    }

    @Test
    void aBatchThatWouldRunPastTheTimeoutIsRolledBackAndAnswersInTimeWithEveryRecordFailed() {
        handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(Duration.ofMinutes(5), clock));
        List<GoodMessage> messages = ledger.goodMessages(6);
        SlowInserts.slow(db, messages.get(2).request().requestLogId(), Duration.ofSeconds(2));
        FakeLambdaContext context = FakeLambdaContext.startingNow(Duration.ofSeconds(3), clock);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(GoodMessage.standard(messages)), context);
        Instant answered = clock.instant();

        assertThat(answered).as("answered before the timeout").isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(ledger.snapshots()).as("nothing half-written").isZero();
        assertThat(ledger.outboxRows()).isZero();

        SlowInserts.clear(db);
        List<SqsRecord> redelivered = GoodMessage.standard(messages).stream().map(SqsRecord::redelivered).toList();
        assertThat(failedIds(handler.handleRequest(SqsEvents.of(redelivered),
                FakeLambdaContext.startingNow(Duration.ofMinutes(5), clock)))).isEmpty();
        List<QuotaDelta> published = SQS.drainDeltas(deltaQueueUrl);
        messages.forEach(m -> m.assertPublishedOnceIn(published));
    }
}
