package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Config;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.quota.DeltaJson;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.OutboxBacklog;
import io.billingsnapshot.testing.RecordingMetrics;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The sweep after an outage: it keeps claiming while every delta of its last claim went out and
 * time is left, stops at the first claim that did not all go out, takes a redelivered record's
 * pending delta in its first claim, and sets aside only the one delta SQS refuses of those
 * packed together. Claims of ten here, so that a few dozen deltas take several.
 */
class OutboxSweepTest {

    private static final Instant NOW = BillingFixture.NOW;
    private static final Instant BACKLOG_SINCE = NOW.minus(Duration.ofHours(1));

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    private final RecordingMetrics.Factory metrics = RecordingMetrics.factory();
    /** What each publish call carried, in order: a mock only records what is sent. */
    private final List<List<UUID>> published = new CopyOnWriteArrayList<>();
    private DatabaseConnections connections;
    private SqsClient sqs;
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        handler = handler("10");
    }

    private BillingSnapshotHandler handler(String sweepLimit) {
        if (connections != null) {
            tearDown();
        }
        Map<String, String> env = fixture.environment();
        env.put("OUTBOX_SWEEP_LIMIT", sweepLimit);
        Config config = Config.fromEnvironment(env);
        connections = new DatabaseConnections(config.database());
        sqs = fixture.sqs.client();
        DeltaPublisher real = new SqsDeltaPublisher(sqs, fixture.deltaQueueUrl);
        DeltaPublisher recorded = (deltas, timeLeft) -> {
            published.add(deltas.stream().map(QuotaDelta::deltaId).toList());
            return real.publish(deltas, timeLeft);
        };
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new BillingSnapshotHandler(Wiring.create(config, connections, recorded, metrics, clock,
                UUID::randomUUID), clock);
    }

    @AfterEach
    void tearDown() {
        connections.close();
        sqs.close();
    }

    @Test
    void oneInvocationKeepsClaimingUntilTheBacklogIsDrained() {
        OutboxBacklog.add(fixture.db, 1, 95, BACKLOG_SINCE);

        sweep();

        assertThat(published).as("nine full claims and the rest").hasSize(10);
        OutboxBacklog.Tally tally = new OutboxBacklog.Tally();
        fixture.drainDeltas().forEach(d -> tally.arrived(d.deltaId()));
        assertThat(tally.exactlyOnce(95)).as(tally.summary()).isTrue();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        assertThat(metrics.last().counted(Metric.DELTAS_PUBLISHED)).isEqualTo(95);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(0);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS)).hasValue(0);
    }

    @Test
    void theSweepStopsAtTheFirstClaimThatDidNotAllGoOut() {
        OutboxBacklog.add(fixture.db, 1, 95, BACKLOG_SINCE);
        fixture.sqs.stop();

        sweep();

        assertThat(published).as("one claim, not the same deltas again and again").hasSize(1);
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox WHERE attempts > 0")).isEqualTo(10);
        assertThat(metrics.last().counted(Metric.DELTA_PUBLISH_FAILURES)).isEqualTo(10);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(95);
        // The oldest was written a microsecond after BACKLOG_SINCE: an hour ago, less that microsecond.
        assertThat(metrics.last().gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS)).hasValue(3_599);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a loop would run until the 15-minute budget
    void aSweepLimitOfZeroClaimsNothingAndOnlyReportsTheOutbox() {
        handler = handler("0");
        OutboxBacklog.add(fixture.db, 1, 5, BACKLOG_SINCE);

        sweep();

        assertThat(published).isEmpty();
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(5);
    }

    @Test
    void aRedeliveredRecordsPendingDeltaGoesOutInTheFirstClaimAheadOfAnOlderBacklog() {
        BillingFixture.Request request = fixture.request();
        String body = request.body("2026-11-30T11:00:00Z");
        fixture.sqs.stop();
        assertThat(failedIds(handler.handleRequest(event(record("m1", body)), null))).containsExactly("m1");
        UUID pending = theOnePendingDelta();
        OutboxBacklog.add(fixture.db, 1, 50, BACKLOG_SINCE); // older: a plain oldest-first sweep would take it last
        fixture.sqs.resume();
        published.clear();

        var redelivery = handler.handleRequest(event(record("m1", body).redelivered()), null);

        assertThat(failedIds(redelivery)).isEmpty();
        assertThat(published.get(0)).as("the first claim: the record's delta and the ten oldest").hasSize(11)
                .contains(pending, OutboxBacklog.deltaId(1));
        assertThat(fixture.drainDeltas()).filteredOn(d -> d.requestLogId().equals(request.requestLogId()))
                .singleElement().satisfies(d -> assertThat(d.deltaId()).isEqualTo(pending));
    }

    @Test
    void ofDeltasPackedTogetherOnlyTheOneSqsRefusesIsSetAside() {
        OutboxBacklog.add(fixture.db, 1, 9, BACKLOG_SINCE);
        // SQS refuses a body with U+FFFE; JSON and PostgreSQL accept it, so the payload reads back.
        QuotaDelta refused = new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), NOW, "US\uFFFE",
                List.of(new Adjustment(Adjustment.Scope.API_KEY, OutboxBacklog.API_KEY, OutboxBacklog.AMOUNT)));
        fixture.db.execute("""
                INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
                VALUES (?, ?, ?, ?, ?)""", refused.deltaId(), refused.requestLogId(), DeltaJson.write(refused),
                Timestamp.from(BACKLOG_SINCE), Timestamp.from(BACKLOG_SINCE));

        sweep();

        assertThat(published.get(0)).as("all ten in one claim, packed in one message").hasSize(10);
        OutboxBacklog.Tally tally = new OutboxBacklog.Tally();
        fixture.drainDeltas().forEach(d -> tally.arrived(d.deltaId()));
        assertThat(tally.exactlyOnce(9)).as(tally.summary()).isTrue();
        assertThat(fixture.count("""
                SELECT count(*) FROM billing_quota_delta_outbox
                WHERE quarantine_reason = 'refused_by_sqs' AND delta_id = ?""", refused.deltaId())).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isEqualTo(1);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_QUARANTINED)).hasValue(1);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(0);
    }

    private void sweep() {
        handler.handleRequest(event(), null);
    }

    private UUID theOnePendingDelta() {
        try (var c = fixture.db.connect(); var ps = c.prepareStatement("SELECT delta_id FROM billing_quota_delta_outbox");
                var rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            UUID deltaId = rs.getObject(1, UUID.class);
            assertThat(rs.next()).isFalse();
            return deltaId;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
