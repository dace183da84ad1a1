package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.metrics.MetricsFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real database and a real SQS queue with gateway rows seeded, and handlers wired to them
 * the way Lambda wires the function ({@link #functions}: only the clock and the metrics are the
 * test's). As a {@code @RegisterExtension} field it is made fresh for each test and closed after
 * it. The queue is its own, on the run's one SQS server ({@link TestSqs#shared()}).
 */
public final class BillingFixture implements AutoCloseable, AfterEachCallback {

    public static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    public static final String MODEL = "gpt-4o";

    public final TestDatabase.Db db;
    public final TestSqs sqs;
    public final String deltaQueueUrl;
    private final String deltaQueueName = "quota-deltas-" + UUID.randomUUID();
    public final RecordingMetrics metrics = new RecordingMetrics();
    /** Makes this test's handlers; closed with the fixture. */
    public final HandlerFactory functions = new HandlerFactory();
    private final SqsClient sqsClient;

    public BillingFixture() {
        db = TestDatabase.server().createDatabase();
        sqs = TestSqs.shared();
        sqs.resume(); // a test before this one may have stopped it
        deltaQueueUrl = sqs.createQueue(deltaQueueName);
        sqsClient = sqs.client();
        seedPrices(db);
    }

    /** {@value #MODEL} at $2 per million input tokens and $8 per million output tokens. */
    public static void seedPrices(TestDatabase.Db db) {
        db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                VALUES (?, 2, 8, 'litellm')""", MODEL);
    }

    public Map<String, String> environment() {
        Map<String, String> env = FunctionEnvironment.local(db, sqs, deltaQueueUrl);
        env.put("OUTBOX_LEASE_SECONDS", "60");
        return env;
    }

    /**
     * The fixtures' time, {@link #NOW}, ticking at the real pace: for tests that measure real
     * durations (deadlines, stalls) and send messages dated like every other fixture, so that
     * their dates stay within MAX_BILLED_AT_AGE_DAYS of the function's clock whenever they run.
     */
    public static Clock ticking() {
        Clock system = Clock.systemUTC();
        return Clock.offset(system, Duration.between(system.instant(), NOW));
    }

    /** A handler as Lambda would build it, on its own connection, with a fixed clock. */
    public BillingSnapshotHandler handler() {
        return handler(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    public BillingSnapshotHandler handler(Clock clock) {
        return handler(clock, () -> metrics);
    }

    /** A handler whose metrics go to {@code metricsFactory} (EMF to a captured stream, say). */
    public BillingSnapshotHandler handler(Clock clock, MetricsFactory metricsFactory) {
        return functions.billing(environment(), sqs.client(), metricsFactory, clock).handler();
    }

    public UUID insert(String table) {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO " + table + " (id) VALUES (?)", id);
        return id;
    }

    public UUID upstream(double inputMultiplier, double outputMultiplier) {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO upstreams (id, billing_input_multiplier, billing_output_multiplier) VALUES (?, ?, ?)",
                id, inputMultiplier, outputMultiplier);
        return id;
    }

    /** A request log with a fresh user, API key and upstream (multipliers 1). */
    public Request request() {
        return request(UUID.randomUUID());
    }

    /** The same, with this id: where the order of ids matters. */
    public Request request(UUID log) {
        UUID user = insert("users");
        UUID key = insert("api_keys");
        UUID upstream = upstream(1, 1);
        db.execute("INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES (?, ?, ?, ?, ?)",
                log, key, user, upstream, MODEL);
        return new Request(log, key, upstream, user);
    }

    /** The ids of one request log, and its completion message. */
    public record Request(UUID requestLogId, UUID apiKeyId, UUID upstreamId, UUID userId) {

        /** 1,000,000 prompt and 1,000,000 completion tokens of gpt-4o: $2 + $8 = $10. */
        public String body(String billedAt) {
            return body(1_000_000, 1_000_000, billedAt);
        }

        public String body(int prompt, int completion, String billedAt) {
            return String.format(Locale.ROOT, """
                    {"requestLogId":"%s","apiKeyId":"%s","upstreamId":"%s","userId":"%s","model":"gpt-4o",
                     "requestedServiceTier":"standard","effectiveServiceTier":"standard",
                     "usage":{"promptTokens":%d,"completionTokens":%d,"totalTokens":%d},"billedAt":"%s"}""",
                    requestLogId, apiKeyId, upstreamId, userId, prompt, completion,
                            (long) prompt + completion, billedAt);
        }
    }

    /** A record of a standard queue, delivered for the first time. */
    public static SqsRecord record(String messageId, String body) {
        return SqsRecord.standard(messageId, body);
    }

    public static SQSEvent event(SqsRecord... records) {
        return SqsEvents.of(records);
    }

    public static SQSEvent event(List<SqsRecord> records) {
        return SqsEvents.of(records);
    }

    public static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    /** Deletes the quota-delta queue: SQS refuses every delta until {@link #recreateDeltaQueue()}. */
    public void deleteDeltaQueue() {
        sqsClient.deleteQueue(r -> r.queueUrl(deltaQueueUrl));
    }

    /** The quota-delta queue again, at the same URL, empty. */
    public void recreateDeltaQueue() {
        sqs.createQueue(deltaQueueName);
    }

    /** Every delta on the quota queue now (received and deleted). */
    public List<QuotaDelta> drainDeltas() {
        return sqs.drainDeltas(deltaQueueUrl);
    }

    /**
     * Waits until at least {@code waiters} sessions of this database wait on a lock, polling
     * pg_stat_activity in autocommit (inside a transaction it is a frozen snapshot).
     */
    public void awaitLockWaiters(int waiters) throws Exception {
        Await.until(waiters + " sessions waiting on a lock", () -> count("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'""") >= waiters);
    }

    /**
     * A race that really happens: another session changes one row with {@code sql} and holds the
     * change uncommitted while {@code invocation} runs; it commits once the invocation waits on
     * that row's lock.
     *
     * @return what the invocation returned
     */
    public <T> T raceAgainstUncommitted(Supplier<T> invocation, String sql, Object... params) throws Exception {
        try (Connection other = db.connect()) {
            other.setAutoCommit(false);
            try (var ps = other.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("the racing statement changed no row: " + sql);
                }
            }
            CompletableFuture<T> run = CompletableFuture.supplyAsync(invocation);
            awaitLockWaiters(1);
            other.commit();
            return run.get();
        }
    }

    public long count(String sql, Object... params) {
        try (var c = db.connect(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One column of the snapshot of a request, as the database holds it. */
    public Object snapshotColumn(UUID requestLogId, String column) {
        try (var c = db.connect();
                var ps = c.prepareStatement("SELECT " + column + " FROM request_billing_snapshots WHERE request_log_id = ?")) {
            ps.setObject(1, requestLogId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        functions.close();
        sqsClient.close();
    }
}
