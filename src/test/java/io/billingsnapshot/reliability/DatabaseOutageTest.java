package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.MutableClock;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.RestartablePostgres;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database goes away and comes back, for real: this test's own PostgreSQL server (not the
 * shared one other tests use) is stopped and started again on the same port and data
 * directory, under the same handler instance, as RDS Proxy would see a failover or a restart.
 */
class DatabaseOutageTest {

    private static final Duration QUICKLY = Duration.ofSeconds(3);

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    @RegisterExtension
    final RestartablePostgres postgres = new RestartablePostgres();

    private TestDatabase.Db db;
    private Ledger ledger;
    private String deltaQueueUrl;
    private final MutableClock clock = new MutableClock(BillingFixture.NOW);
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final HandlerFactory functions = new HandlerFactory();
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        db = postgres.db();
        ledger = Ledger.withPrices(db);
        deltaQueueUrl = SQS.createQueue("quota-deltas-" + UUID.randomUUID());
        Map<String, String> env = postgres.environment(SQS, deltaQueueUrl);
        env.put("OUTBOX_LEASE_SECONDS", "60");
        // Sets of one: these tests pin their partial progress; the all-or-nothing of a whole
        // batch is WholeBatchReliabilityTest's.
        env.put(EnvVars.WHOLE_BATCH_MIN_SIZE, "0");
        handler = functions.billing(env, SQS.client(), () -> metrics, clock).handler();
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        functions.close();
    }

    @Test
    void batchesDuringAnOutageFailQuicklyAndTheSameHandlerResumesWhenTheDatabaseReturns() {
        List<GoodMessage> messages = ledger.goodMessages(12);
        SQSBatchResponse before = handler.handleRequest(SqsEvents.of(GoodMessage.standard(messages.subList(0, 4))), null);
        assertThat(failedIds(before)).isEmpty();

        postgres.stop();
        List<SqsRecord> failed = new ArrayList<>();
        for (List<GoodMessage> batch : List.of(messages.subList(4, 8), messages.subList(8, 12))) {
            Instant start = Instant.now();
            List<SqsRecord> records = GoodMessage.standard(batch);
            List<SqsRecord> failedNow = Redelivery.deliver(handler, records);

            assertThat(Duration.between(start, Instant.now())).isLessThan(QUICKLY);
            assertThat(failedNow).extracting(SqsRecord::messageId)
                    .containsExactlyElementsOf(records.stream().map(SqsRecord::messageId).toList());
            failed.addAll(failedNow);
        }

        postgres.start();
        assertThat(Redelivery.deliver(handler, failed)).as("redelivered to the same handler").isEmpty();

        assertEveryMessageWrittenAndPublishedOnce(messages, SQS.drainDeltas(deltaQueueUrl));
    }

    /**
     * Stopped while a record's write is in flight: that write is rolled back by the server,
     * the records after it cannot reach it, and the ones before it committed but could not
     * have their deltas marked published, so the whole batch is reported failed. Their deltas
     * wait in the outbox and a later invocation publishes them once the lease has passed.
     */
    @Test
    void theDatabaseStoppingMidBatchFailsTheWholeBatchAndRedeliveryLosesAndDoublesNothing() throws Exception {
        SlowInserts.install(db);
        List<GoodMessage> messages = ledger.goodMessages(6);
        SlowInserts.slow(db, messages.get(2).request().requestLogId(), Duration.ofSeconds(30));
        List<SqsRecord> records = GoodMessage.standard(messages);

        List<SqsRecord> failed = Redelivery.deliverStoppingTheServerMidInsert(handler, records, postgres);

        assertThat(ledger.snapshots()).as("the two records before the stop committed").isEqualTo(2);
        assertThat(ledger.snapshots(messages.get(2).request().requestLogId())).as("the one in flight rolled back")
                .isZero();
        assertThat(ledger.outboxRows()).isEqualTo(2);

        SlowInserts.clear(db);
        assertThat(Redelivery.deliver(handler, failed)).isEmpty();
        List<QuotaDelta> published = SQS.drainDeltas(deltaQueueUrl);
        clock.advance(Duration.ofSeconds(61)); // past the lease the failed invocation held on its deltas
        assertThat(failedIds(handler.handleRequest(SqsEvents.of(List.of()), null))).isEmpty();
        published.addAll(SQS.drainDeltas(deltaQueueUrl));

        assertEveryMessageWrittenAndPublishedOnce(messages, published);
    }

    private void assertEveryMessageWrittenAndPublishedOnce(List<GoodMessage> messages, List<QuotaDelta> published) {
        assertThat(ledger.snapshots()).isEqualTo(messages.size());
        for (GoodMessage message : messages) {
            assertThat(ledger.finalCost(message.request().requestLogId())).as("final_cost of %s", message.messageId())
                    .isCloseTo(message.cost().doubleValue(), within(1e-12));
            message.assertPublishedOnceIn(published);
        }
        assertThat(published).hasSize(messages.size());
        assertThat(ledger.outboxRows()).isZero();
    }
}
