package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Config;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.OutboxBacklog;
import io.billingsnapshot.testing.PublishedMessage;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The day after a long quota-queue outage: a backlog of pending deltas, in the outbox's own
 * format. Its sweep's statements read about as many pages at 33,000 pending as at 11,000 (both
 * past the exact count), where the former claim's count over the whole outbox reads three times as
 * many; and the function drains it under a real {@code statement_timeout}, every delta arriving
 * once. Pages, not milliseconds, are compared: they do not depend on how busy the machine is (the
 * benchmark times the statements at a million pending, docs/benchmark.md).
 */
class OutboxBacklogTest {

    /** Both past the exact count ({@link Outbox#COUNTED_UP_TO}), the second three times the first. */
    private static final int SMALL = 11_000;
    private static final int LARGE = 33_000;
    /** Past the exact count too, and twenty claims of the default 1,000. */
    private static final int DRAINED = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    private final TestDatabase.Db db = TestDatabase.server().createDatabase();

    @Test
    void theSweepsStatementsReadAsManyPagesAtThreeTimesTheBacklogWhereACountOfTheWholeOutboxReadsThreeTimesAsMany()
            throws Exception {
        Instant oldest = Instant.now().minus(Duration.ofHours(2));
        // No ANALYZE: the plans must stay bounded on an outbox that grew faster than its statistics.
        OutboxBacklog.add(db, 1, SMALL, oldest);
        long claimSmall = pages(Outbox.CLAIM, true);
        long statsSmall = pages(Outbox.STATS, false);
        long wholeSmall = pages(UNBOUNDED_STATE, false);

        OutboxBacklog.add(db, SMALL + 1, LARGE, oldest);

        assertThat((double) pages(Outbox.CLAIM, true) / claimSmall).as("claim").isLessThan(1.5);
        assertThat((double) pages(Outbox.STATS, false) / statsSmall).as("outbox state").isLessThan(1.5);
        assertThat((double) pages(UNBOUNDED_STATE, false) / wholeSmall).as("negative control: the whole outbox")
                .isGreaterThan(2.5);
    }

    @Test
    void aBacklogDrainsUnderARealStatementTimeoutWithEveryDeltaArrivingOnce() throws Exception {
        OutboxBacklog.add(db, 1, DRAINED, Instant.now().minus(Duration.ofHours(2)));
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        Map<String, String> env = FunctionEnvironment.local(db, SQS, queue);
        env.put("DB_STATEMENT_TIMEOUT_SECONDS", "1"); // sent in the startup packet: the server enforces it
        Config config = Config.fromEnvironment(env);
        RecordingMetrics.Factory metrics = RecordingMetrics.factory();
        Clock clock = Clock.systemUTC();
        try (DatabaseConnections connections = new DatabaseConnections(config.database());
                SqsClient sqs = SQS.client()) {
            BillingSnapshotHandler handler = new BillingSnapshotHandler(Wiring.create(config, connections,
                    new SqsDeltaPublisher(sqs, queue), metrics, clock, UUID::randomUUID), clock);
            assertThat(statementTimeout(connections)).isEqualTo("1s");

            for (int invocation = 0; invocation < 10 && count("SELECT count(*) FROM billing_quota_delta_outbox") > 0;
                    invocation++) {
                handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(Duration.ofSeconds(30), clock));
            }
        }

        OutboxBacklog.Tally tally = new OutboxBacklog.Tally();
        SQS.drain(queue).forEach(body -> PublishedMessage.deltas(body).forEach(d -> tally.arrived(d.deltaId())));
        assertThat(tally.exactlyOnce(DRAINED)).as(tally.summary()).isTrue();
        assertThat(count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        RecordingMetrics first = metrics.created().get(0);
        assertThat(first.gauge(Gauge.OUTBOX_PENDING)).as("the state after the first invocation").isPresent();
        assertThat(metrics.created()).allSatisfy(m -> assertThat(m.counted(Metric.DELTA_PUBLISH_FAILURES)).isZero());
        assertThat(metrics.created().stream().mapToLong(m -> m.counted(Metric.DELTAS_PUBLISHED)).sum()).isEqualTo(DRAINED);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(0);
    }

    /** What the claim statement used to add to every claim: a count and a minimum over the whole outbox. */
    private static final String UNBOUNDED_STATE = """
            SELECT count(*) FILTER (WHERE quarantined_at IS NULL), min(created_at) FILTER (WHERE quarantined_at IS NULL),
                   count(*) FILTER (WHERE quarantined_at IS NOT NULL)
            FROM billing_quota_delta_outbox""";

    /** Pages (shared buffers hit or read) the statement reads, run inside a transaction rolled back. */
    private long pages(String sql, boolean claim) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            c.setAutoCommit(false);
            int next = 1;
            if (claim) { // bound as Outbox.claimPending binds them, a claim of 1,000 as configured by default
                Timestamp now = Timestamp.from(Instant.now());
                ps.setTimestamp(next++, now);
                ps.setInt(next++, 1_000);
                ps.setArray(next++, c.createArrayOf("uuid", new Object[] {UUID.randomUUID()}));
                ps.setTimestamp(next++, Timestamp.from(Instant.now().plusSeconds(60)));
                ps.setTimestamp(next++, now);
            }
            if (sql.contains("LIMIT ?) AS counted")) {
                ps.setInt(next++, Outbox.COUNTED_UP_TO + 1);
                ps.setInt(next, Outbox.COUNTED_UP_TO + 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                JsonNode plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
                return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                c.rollback();
            }
        }
    }

    private static String statementTimeout(DatabaseConnections connections) throws SQLException {
        try (PreparedStatement ps = connections.get().prepareStatement("SHOW statement_timeout");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            String value = rs.getString(1);
            connections.get().commit();
            return value;
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
