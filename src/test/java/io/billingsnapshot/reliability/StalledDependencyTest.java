package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.db.JdbcEndpoint;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import io.billingsnapshot.testing.StallingEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A dependency that accepts connections and never answers (the quota queue, or PostgreSQL
 * mid-invocation or from the start) cannot hold an invocation past its timeout: with a
 * 7-second budget, 4.2 s of it the deadline reserve, the answer comes before it, the records whose deltas were not confirmed
 * fail, and after redelivery to healthy dependencies every delta arrives exactly once. The
 * configured client timeouts are set far above the budget (60 s), so only the deadline can end
 * the waits. Time is real here.
 */
class StalledDependencyTest {

    private static final Duration BUDGET = Duration.ofSeconds(7);
    /** Of the budget: SQS calls end a third of it before the timeout, database waits a sixth. */
    private static final Duration RESERVE = Duration.ofMillis(4_200);
    private static final Duration PLENTY = Duration.ofMinutes(5);

    private final Clock clock = BillingFixture.ticking();
    private BillingFixture fixture;
    private Ledger ledger;
    private final HandlerFactory functions = new HandlerFactory();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        ledger = new Ledger(fixture.db);
    }

    @AfterEach
    void tearDown() throws Exception {
        functions.close();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        ledger.close();
        fixture.close();
    }

    @Test
    void aStalledQuotaQueueFailsTheUnconfirmedRecordsBeforeTheTimeoutAndTheirDeltasArriveOnceAfterRedelivery()
            throws Exception {
        StallingEndpoint stalledSqs = closing(StallingEndpoint.silent());
        RecordingMetrics.Factory metrics = RecordingMetrics.factory();
        BillingSnapshotHandler stalled = handler(environment(fixture.db.url()),
                sqsClientTo(stalledSqs), metrics);
        List<GoodMessage> messages = ledger.goodMessages(3);

        Answer answer = invoke(stalled, messages);

        System.out.printf(Locale.ROOT, "stalled SQS: answered after %d ms of a %d ms budget%n",
                answer.took().toMillis(), BUDGET.toMillis());
        assertThat(answer.took()).as("answered before the timeout").isLessThan(BUDGET);
        assertThat(failedIds(answer.response())).containsExactly("m0", "m1", "m2");
        assertThat(ledger.snapshots()).isEqualTo(3);
        assertThat(ledger.count("SELECT count(*) FROM billing_quota_delta_outbox WHERE available_at <= now()"))
                .as("pending and released: free for the very next invocation").isEqualTo(3);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(3);
        List<UUID> pendingDeltaIds = outboxDeltaIds();

        List<QuotaDelta> published = redeliverToHealthyDependencies(messages);

        assertThat(published).extracting(QuotaDelta::deltaId).containsExactlyInAnyOrderElementsOf(pendingDeltaIds);
        messages.forEach(m -> m.assertPublishedOnceIn(published));
    }

    @Test
    void aDatabaseThatStallsMidInvocationIsAbandonedBeforeTheTimeoutAndNothingIsLost() throws Exception {
        StallingEndpoint network = closing(StallingEndpoint.forwardingTo(JdbcEndpoint.parse(fixture.db.url()).port()));
        BillingSnapshotHandler handler = handler(environment(throughPort(network.port())), fixture.sqs.client(),
                RecordingMetrics.factory());
        handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(PLENTY, clock)); // warm
        network.stall();
        List<GoodMessage> messages = ledger.goodMessages(3);

        Answer answer = invoke(handler, messages);

        System.out.printf(Locale.ROOT, "stalled PostgreSQL (warm connection): answered after %d ms of a %d ms budget%n",
                answer.took().toMillis(), BUDGET.toMillis());
        assertThat(answer.took()).as("answered before the timeout").isLessThan(BUDGET);
        assertThat(failedIds(answer.response())).containsExactly("m0", "m1", "m2");
        List<QuotaDelta> published = redeliverToHealthyDependencies(messages);
        messages.forEach(m -> m.assertPublishedOnceIn(published));
    }

    @Test
    void aDatabaseThatAcceptsButNeverAnswersAtConnectFailsEveryRecordBeforeTheTimeout() throws Exception {
        StallingEndpoint silentDatabase = closing(StallingEndpoint.silent());
        RecordingMetrics.Factory metrics = RecordingMetrics.factory();
        BillingSnapshotHandler handler = handler(environment(throughPort(silentDatabase.port())),
                fixture.sqs.client(), metrics);
        List<GoodMessage> messages = ledger.goodMessages(2);

        Answer answer = invoke(handler, messages);

        System.out.printf(Locale.ROOT, "silent PostgreSQL (connect): answered after %d ms of a %d ms budget%n",
                answer.took().toMillis(), BUDGET.toMillis());
        assertThat(answer.took()).as("answered before the timeout").isLessThan(BUDGET);
        assertThat(failedIds(answer.response())).containsExactly("m0", "m1");
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).as("unknown, so not reported").isEmpty();
        assertThat(metrics.last().gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS)).isEmpty();
    }

    private List<UUID> outboxDeltaIds() throws java.sql.SQLException {
        List<UUID> ids = new ArrayList<>();
        try (var c = fixture.db.connect(); var rs = c.createStatement()
                .executeQuery("SELECT delta_id FROM billing_quota_delta_outbox")) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private record Answer(SQSBatchResponse response, Duration took) {
    }

    private Answer invoke(BillingSnapshotHandler handler, List<GoodMessage> messages) {
        FakeLambdaContext context = FakeLambdaContext.startingNow(BUDGET, clock);
        Instant start = clock.instant();
        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(GoodMessage.standard(messages)), context);
        return new Answer(response, Duration.between(start, clock.instant()));
    }

    /** SQS redelivers the failed records to a handler whose database and queue both answer. */
    private List<QuotaDelta> redeliverToHealthyDependencies(List<GoodMessage> messages) {
        BillingSnapshotHandler healthy = fixture.handler(clock);
        List<SqsRecord> redelivered = GoodMessage.standard(messages).stream().map(SqsRecord::redelivered).toList();
        assertThat(failedIds(healthy.handleRequest(SqsEvents.of(redelivered),
                FakeLambdaContext.startingNow(PLENTY, clock)))).isEmpty();
        assertThat(ledger.outboxRows()).isZero();
        assertThat(ledger.snapshots()).isEqualTo(messages.size());
        return fixture.drainDeltas();
    }

    /** The function's environment with every configured database wait far above the budget. */
    private Map<String, String> environment(String dbUrl) {
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.put("DB_URL", dbUrl);
        env.put("DB_CONNECT_TIMEOUT_SECONDS", "60");
        env.put("DB_LOGIN_TIMEOUT_SECONDS", "60");
        env.put("DB_SOCKET_TIMEOUT_SECONDS", "60");
        env.put("DEADLINE_RESERVE_MILLIS", Long.toString(RESERVE.toMillis()));
        return env;
    }

    private String throughPort(int port) {
        JdbcEndpoint real = JdbcEndpoint.parse(fixture.db.url());
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + real.database();
    }

    private BillingSnapshotHandler handler(Map<String, String> env, SqsClient sqs, RecordingMetrics.Factory metrics) {
        return functions.billing(env, sqs, metrics, clock).handler();
    }

    private static SqsClient sqsClientTo(StallingEndpoint endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint.httpUri())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closeAfter.add(0, resource);
        return resource;
    }
}
