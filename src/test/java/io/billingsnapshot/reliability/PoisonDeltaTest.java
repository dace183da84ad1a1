package io.billingsnapshot.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.quota.DeltaJson;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.SqsEvents;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A delta that can never be published (here: its stored payload cannot be read) is set aside,
 * counted and logged, and never blocks the deltas behind it. The sweep takes one delta per
 * invocation here, oldest first, so a poison delta that were merely released would be claimed
 * again by every sweep and starve the rest.
 */
class PoisonDeltaTest {

    private static final Instant NOW = BillingFixture.NOW;

    private BillingFixture fixture;
    private RecordingMetrics.Factory metrics;
    private BillingSnapshotHandler handler;
    private CapturedLogs logs;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        metrics = RecordingMetrics.factory();
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.put("OUTBOX_SWEEP_LIMIT", "1");
        handler = fixture.functions.billing(env, fixture.sqs.client(), metrics, Clock.fixed(NOW, ZoneOffset.UTC)).handler();
        logs = CapturedLogs.start();
    }

    @AfterEach
    void tearDown() {
        logs.close();
        fixture.close();
    }

    @Test
    void anUnreadablePayloadIsSetAsideAndTheDeltaBehindItIsPublished() {
        UUID poison = pending("{\"deltaId\": truncated", NOW.minusSeconds(600));
        QuotaDelta good = delta("USD");
        pending(DeltaJson.write(good), NOW.minusSeconds(300));

        sweep();
        sweep();

        assertThat(fixture.drainDeltas()).containsExactly(good);
        assertThat(quarantineReason(poison)).isEqualTo("unreadable_payload");
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isEqualTo(1);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_QUARANTINED)).hasValue(1);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).as("a set-aside delta is not pending").hasValue(0);
        assertThat(logs.events(LogEvent.DELTA_QUARANTINED)).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("deltaId", poison.toString()).containsEntry("level", "ERROR"));
    }

    @Test
    void aStoredDeltaWithAnUnknownScopeIsSetAsideNotReadAsAnotherScope() {
        QuotaDelta good = delta("USD");
        UUID unknown = pending(DeltaJson.write(delta("USD")).replace("\"api_key\"", "\"organisation\""),
                NOW.minusSeconds(600));
        pending(DeltaJson.write(good), NOW.minusSeconds(300));

        sweep();
        sweep();

        assertThat(fixture.drainDeltas()).containsExactly(good);
        assertThat(quarantineReason(unknown)).isEqualTo("unreadable_payload");
        assertThat(logs.events(LogEvent.DELTA_QUARANTINED)).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("deltaId", unknown.toString()).containsEntry("detail", "unknown scope 'organisation'"));
    }

    @Test
    void theOldestPendingDeltasAgeIsReportedFromItsCreationTime() {
        fixture.sqs.stop(); // nothing can be published: the ages stay
        pending(DeltaJson.write(delta("USD")), NOW.minusSeconds(600));
        pending(DeltaJson.write(delta("USD")), NOW.minusSeconds(42));

        sweep();

        assertThat(metrics.last().gauge(Gauge.OUTBOX_PENDING)).hasValue(2);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS)).hasValue(600);
        assertThat(metrics.last().gauge(Gauge.OUTBOX_QUARANTINED)).hasValue(0);
    }

    private void sweep() {
        handler.handleRequest(SqsEvents.of(List.of()), null);
    }

    private static QuotaDelta delta(String currency) {
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), NOW.minusSeconds(3_600), currency,
                List.of(new Adjustment(Adjustment.Scope.API_KEY, UUID.randomUUID(), new BigDecimal("1.5000000000"))));
    }

    /** An outbox row whose lease has passed, as a crashed invocation leaves it. */
    private UUID pending(String payload, Instant createdAt) {
        UUID deltaId = payload.startsWith("{\"deltaId\": truncated") ? UUID.randomUUID()
                : UUID.fromString(payload.substring("{\"deltaId\":\"".length(), "{\"deltaId\":\"".length() + 36));
        fixture.db.execute("""
                INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
                VALUES (?, ?, ?, ?, ?)""", deltaId, UUID.randomUUID(), payload, Timestamp.from(createdAt),
                Timestamp.from(createdAt.plus(Duration.ofSeconds(60))));
        return deltaId;
    }

    private String quarantineReason(UUID deltaId) {
        try (var c = fixture.db.connect(); var ps = c.prepareStatement(
                "SELECT quarantine_reason FROM billing_quota_delta_outbox WHERE delta_id = ?")) {
            ps.setObject(1, deltaId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
