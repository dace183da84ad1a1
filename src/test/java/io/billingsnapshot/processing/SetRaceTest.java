package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Races against a set's transaction, made to happen for real: another transaction holds a row our
 * batch needs; the test lets it commit once PostgreSQL shows our backend waiting on its lock.
 * Nothing is lost or charged twice.
 */
class SetRaceTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aKeyDeletedWhileTheBatchWaitsOnItsLockIsWrittenNullWithoutSplitting() throws Exception {
        Request raced = fixture.request();
        Request other = fixture.request();
        // Our KEY SHARE lock on the key being deleted waits; the delete commits then.
        SQSBatchResponse response = fixture.raceAgainstUncommitted(handle(raced, other),
                "DELETE FROM api_keys WHERE id = ?", raced.apiKeyId());

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).as("the lock waited; nothing failed").isZero();
        assertThat(fixture.snapshotColumn(raced.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.snapshotColumn(raced.requestLogId(), "upstream_id")).isEqualTo(raced.upstreamId());
        assertThat(fixture.snapshotColumn(other.requestLogId(), "api_key_id")).isEqualTo(other.apiKeyId());
        List<QuotaDelta> deltas = fixture.drainDeltas();
        assertThat(deltas).hasSize(2);
        assertThat(deltaOf(deltas, raced).adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.UPSTREAM, raced.upstreamId(), new BigDecimal("10.0000000000")));
        assertThat(deltaOf(deltas, other).adjustments()).hasSize(2);
    }

    @Test
    void aRowInsertedByAnotherInvocationAfterTheLockingReadSplitsTheSetAndIsNotChargedTwice() throws Exception {
        Request raced = fixture.request();
        Request other = fixture.request();
        // What a concurrent invocation that billed the same request (earlier, $10) is writing: our
        // insert waits on theirs, which commits then.
        SQSBatchResponse response = fixture.raceAgainstUncommitted(handle(raced, other), """
                INSERT INTO request_billing_snapshots (request_log_id, api_key_id, upstream_id, user_id, model,
                    billing_status, final_cost, billed_at, created_at)
                VALUES (?, ?, ?, ?, 'gpt-4o', 'billed', 10, '2026-11-30T10:00:00Z', now())""",
                raced.requestLogId(), raced.apiKeyId(), raced.upstreamId(), raced.userId());

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isEqualTo(1);
        assertThat(fixture.snapshotColumn(raced.requestLogId(), "billed_at").toString()).startsWith("2026-11-30 11:00");
        // Their row charged $10 already; ours is $10 too, so its set of one publishes nothing for it.
        assertThat(fixture.drainDeltas()).singleElement()
                .satisfies(d -> assertThat(d.requestLogId()).isEqualTo(other.requestLogId()));
    }

    private Supplier<SQSBatchResponse> handle(Request first, Request second) {
        var handler = fixture.handler();
        return () -> handler.handleRequest(event(
                record("first", first.body(BILLED_AT)), record("second", second.body(BILLED_AT))), null);
    }

    private static QuotaDelta deltaOf(List<QuotaDelta> deltas, Request request) {
        return deltas.stream().filter(d -> d.requestLogId().equals(request.requestLogId())).findFirst().orElseThrow();
    }
}
