package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaJson;
import io.billingsnapshot.soak.FakeLambdaContext;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.TestSqs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-based path under the faults {@link DatabaseOutageTest} and {@link TimeBudgetTest}
 * put the per-message path through: a batch is one transaction, so it ends all written or
 * nothing written, and the redelivery writes and publishes every message once.
 */
class FastPathReliabilityTest {

    private static final Duration RESERVE = Duration.ofMillis(1_500);

    @TempDir
    Path dataDirectory;

    private final Clock clock = Clock.systemUTC();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private RestartablePostgres postgres;
    private TestDatabase.Db db;
    private Ledger ledger;
    private TestSqs sqs;
    private String deltaQueueUrl;
    private WiredHandler wired;
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        postgres = new RestartablePostgres(dataDirectory);
        db = postgres.db();
        ledger = new Ledger(db);
        ledger.seedPrices();
        sqs = TestSqs.start();
        deltaQueueUrl = sqs.createQueue("quota-deltas");
        Map<String, String> env = FunctionEnvironment.local(db, sqs, deltaQueueUrl);
        env.put("DB_CONNECT_TIMEOUT_SECONDS", "2");
        env.put("DB_LOGIN_TIMEOUT_SECONDS", "3");
        env.put("DB_SOCKET_TIMEOUT_SECONDS", "5");
        env.put("DEADLINE_RESERVE_MILLIS", Long.toString(RESERVE.toMillis()));
        env.put("FAST_PATH_MIN_BATCH_SIZE", "2");
        wired = new WiredHandler(env, sqs, clock, () -> metrics);
        handler = wired.handler;
        SlowInserts.install(db);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        wired.close();
        sqs.close();
        postgres.close();
    }

    @Test
    void theDatabaseStoppingDuringTheBatchTransactionCommitsNothingAndRedeliveryWritesEverythingOnce()
            throws Exception {
        List<GoodMessage> messages = messages(6);
        SlowInserts.slow(db, messages.get(2).request().requestLogId(), Duration.ofSeconds(30));
        List<SqsRecord> records = standard(messages);

        CompletableFuture<List<SqsRecord>> run = CompletableFuture.supplyAsync(() -> Redelivery.deliver(handler, records));
        SlowInserts.awaitSleepingBackend(db, Duration.ofSeconds(20));
        postgres.stop();
        List<SqsRecord> failed = run.get();

        assertThat(failed).extracting(SqsRecord::messageId)
                .containsExactlyElementsOf(records.stream().map(SqsRecord::messageId).toList());
        postgres.start();
        assertThat(ledger.snapshots()).as("one transaction: nothing committed").isZero();
        assertThat(ledger.outboxRows()).isZero();

        SlowInserts.clear(db);
        assertThat(Redelivery.deliver(handler, failed)).isEmpty();
        List<QuotaDelta> published = drainDeltas();
        assertThat(ledger.snapshots()).isEqualTo(messages.size());
        messages.forEach(m -> m.assertPublishedOnceIn(published));
        assertThat(ledger.outboxRows()).isZero();
    }

    @Test
    void aBatchThatWouldRunPastTheTimeoutIsRolledBackAndAnswersInTimeWithEveryRecordFailed() {
        handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(Duration.ofMinutes(5), clock));
        List<GoodMessage> messages = messages(6);
        SlowInserts.slow(db, messages.get(2).request().requestLogId(), Duration.ofSeconds(2));
        FakeLambdaContext context = FakeLambdaContext.startingNow(Duration.ofSeconds(3), clock);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(standard(messages)), context);
        Instant answered = clock.instant();

        assertThat(answered).as("answered before the timeout").isBefore(context.deadline());
        assertThat(failedIds(response)).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(ledger.snapshots()).as("nothing half-written").isZero();
        assertThat(ledger.outboxRows()).isZero();

        SlowInserts.clear(db);
        List<SqsRecord> redelivered = standard(messages).stream().map(SqsRecord::redelivered).toList();
        assertThat(failedIds(handler.handleRequest(SqsEvents.of(redelivered),
                FakeLambdaContext.startingNow(Duration.ofMinutes(5), clock)))).isEmpty();
        List<QuotaDelta> published = drainDeltas();
        messages.forEach(m -> m.assertPublishedOnceIn(published));
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

    private List<QuotaDelta> drainDeltas() {
        return new ArrayList<>(sqs.drain(deltaQueueUrl).stream().map(DeltaJson::read).toList()); // callers add to it
    }
}
