package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.Granularity;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A batch that cannot finish before its stop time stops cleanly: records reported failed, nothing written. */
class WholeBatchDeadlineTest {

    private BillingFixture fixture;
    private BillingFunction function;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        Map<String, String> env = Granularity.WHOLE_BATCH.environment(fixture.environment());
        env.put("DEADLINE_RESERVE_MILLIS", "200");
        function = fixture.functions.billing(env, fixture.sqs.client(), () -> fixture.metrics, BillingFixture.ticking());
    }

    @AfterEach
    void tearDown() {
        function.close();
        fixture.close();
    }

    @Test
    void aBatchBlockedOnALockPastItsStopTimeIsRolledBackAndReportedFailed() throws Exception {
        Request locked = fixture.request();
        Request free = fixture.request();
        function.handle(event(record("before", locked.body("2026-11-30T10:00:00Z"))));
        fixture.drainDeltas();

        SQSBatchResponse response;
        Duration took;
        try (Connection holder = fixture.db.connect()) {
            holder.setAutoCommit(false);
            try (var ps = holder.prepareStatement(
                    "SELECT 1 FROM request_billing_snapshots WHERE request_log_id = ? FOR UPDATE")) {
                ps.setObject(1, locked.requestLogId());
                ps.executeQuery().close();
            }
            Instant start = Instant.now();
            response = function.handler().handleRequest(event(
                    record("locked", locked.body("2026-11-30T11:00:00Z")),
                    record("free", free.body("2026-11-30T11:00:00Z"))), timeoutAt(start.plusMillis(1_700)));
            took = Duration.between(start, Instant.now());
            holder.rollback();
        }

        assertThat(failedIds(response)).containsExactly("locked", "free");
        assertThat(took).isBetween(Duration.ofMillis(1_400), Duration.ofMillis(4_000));
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).as("no time left to fall back").isZero();
        assertThat(fixture.snapshotColumn(free.requestLogId(), "final_cost")).as("nothing half-written").isNull();
        assertThat(fixture.snapshotColumn(locked.requestLogId(), "billed_at").toString()).startsWith("2026-11-30 10:00");
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        assertThat(fixture.drainDeltas()).isEmpty();
    }

    @Test
    void aBatchArrivingAfterItsStopTimeReportsEveryRecordFailed() {
        Request a = fixture.request();
        Request b = fixture.request();

        SQSBatchResponse response = function.handler().handleRequest(event(
                record("a", a.body("2026-11-30T11:00:00Z")), record("b", b.body("2026-11-30T11:00:00Z"))),
                timeoutAt(Instant.now().plusMillis(100)));

        assertThat(failedIds(response)).containsExactly("a", "b");
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isZero();
    }

    /** A Lambda context whose invocation times out at {@code deadline}. */
    private static FakeLambdaContext timeoutAt(Instant deadline) {
        return new FakeLambdaContext("deadline-test", deadline, Clock.systemUTC());
    }
}
