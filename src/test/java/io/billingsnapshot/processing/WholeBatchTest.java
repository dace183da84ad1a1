package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine on a whole batch: what it writes, what it publishes, what fails alone. */
class WholeBatchTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aCleanBatchIsWrittenInOneGoWithOneDeltaPerRequest() {
        Request a = fixture.request();
        Request b = fixture.request();
        Request c = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("a", a.body("2026-11-30T11:00:00Z")),
                record("b", b.body(2_000_000, 0, "2026-11-30T11:00:00Z")),
                record("c", c.body(0, 1_000_000, "2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isZero();
        assertThat(fixture.metrics.counted(Metric.SNAPSHOTS_WRITTEN)).isEqualTo(3);
        assertThat(fixture.snapshotColumn(a.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.snapshotColumn(b.requestLogId(), "final_cost")).isEqualTo(4.0);
        assertThat(fixture.snapshotColumn(c.requestLogId(), "final_cost")).isEqualTo(8.0);
        assertThat(fixture.drainDeltas()).hasSize(3);
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
    }

    @Test
    void duplicatesOfOneRequestEndWhereProcessingThemOneByOneWould() {
        Request request = fixture.request();

        // 11:00 writes, 11:30 overwrites, the second 11:30 overwrites again (equal is not stale),
        // 11:10 is older than the 11:30 now stored: stale.
        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("m1", request.body(1_000_000, 1_000_000, "2026-11-30T11:00:00Z")),
                record("m2", request.body(2_000_000, 1_000_000, "2026-11-30T11:30:00Z")),
                record("m3", request.body(3_000_000, 1_000_000, "2026-11-30T11:30:00Z")),
                record("m4", request.body(5_000_000, 1_000_000, "2026-11-30T11:10:00Z"))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isZero();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "prompt_tokens")).isEqualTo(3_000_000);
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(14.0);
        assertThat(fixture.metrics.counted(Metric.SNAPSHOTS_WRITTEN)).isEqualTo(3);
        assertThat(fixture.metrics.counted(Metric.STALE_MESSAGES)).isEqualTo(1);
        // One delta, the net of the three writes: +10, +2, +2.
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), new BigDecimal("14.0000000000")),
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("14.0000000000"))));
    }

    @Test
    void changesThatCancelOutWithinABatchPublishNothing() {
        Request request = fixture.request();
        var handler = fixture.handler();
        handler.handleRequest(event(record("first", request.body("2026-11-30T11:00:00Z"))), null);
        fixture.drainDeltas();

        // One by one these would publish +2 and then -2.
        SQSBatchResponse response = handler.handleRequest(event(
                record("up", request.body(2_000_000, 1_000_000, "2026-11-30T11:00:00Z")),
                record("back", request.body(1_000_000, 1_000_000, "2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.drainDeltas()).isEmpty();
    }

    @Test
    void aBatchOlderThanTheStoredRowIsFilteredByTheUpsertAndAcknowledgedAsStale() {
        Request request = fixture.request();
        var handler = fixture.handler();
        handler.handleRequest(event(record("newest", request.body("2026-11-30T11:30:00Z"))), null);
        fixture.drainDeltas();

        SQSBatchResponse response = handler.handleRequest(event(
                record("old", request.body(5, 5, "2026-11-30T11:00:00Z")),
                record("older", request.body(7, 7, "2026-11-30T10:00:00Z"))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isZero();
        assertThat(fixture.metrics.counted(Metric.STALE_MESSAGES)).isEqualTo(2);
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.drainDeltas()).isEmpty();
    }

    @Test
    void invalidMessagesAndMissingRequestLogsFailAloneWithoutFallingBack() {
        Request good = fixture.request();
        String missingLog = fixture.request().body("2026-11-30T11:00:00Z").replaceFirst(
                "\"requestLogId\":\"[^\"]+\"", "\"requestLogId\":\"" + UUID.randomUUID() + "\"");

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("bad-json", "{not json"),
                record("missing-log", missingLog),
                record("good", good.body("2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).containsExactly("bad-json", "missing-log");
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isZero();
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
        assertThat(fixture.drainDeltas()).hasSize(1);
    }

    @Test
    void onAFifoSourceAFailureFailsTheLaterRecordsOfItsGroupUnwritten() {
        Request a1 = fixture.request();
        Request a3 = fixture.request();
        Request b1 = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                SqsRecord.fifo("a1", "group-a", a1.body("2026-11-30T11:00:00Z")),
                SqsRecord.fifo("a2", "group-a", "{not json"),
                SqsRecord.fifo("b1", "group-b", b1.body("2026-11-30T11:00:00Z")),
                SqsRecord.fifo("a3", "group-a", a3.body("2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).containsExactly("a2", "a3");
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isZero();
        assertThat(fixture.snapshotColumn(a1.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.snapshotColumn(b1.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.snapshotColumn(a3.requestLogId(), "final_cost")).as("a3 is not written").isNull();
    }

    @Test
    void aConstraintErrorRollsTheBatchBackAndTheFallbackFailsOnlyItsRecord() {
        fixture.db.execute("""
                ALTER TABLE request_billing_snapshots ADD CONSTRAINT cost_below_limit CHECK (final_cost < 1000)""");
        Request expensive = fixture.request();
        Request good = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("expensive", expensive.body(1_000_000_000, 0, "2026-11-30T11:00:00Z")),
                record("good", good.body("2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).containsExactly("expensive");
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isEqualTo(1);
        assertThat(fixture.snapshotColumn(good.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.drainDeltas()).singleElement()
                .satisfies(d -> assertThat(d.requestLogId()).isEqualTo(good.requestLogId()));
    }

    @Test
    void theSweepReportsTheDeltasStillPendingAfterIt() {
        Request request = fixture.request();
        var handler = fixture.handler();
        fixture.sqs.stop();
        handler.handleRequest(event(record("m1", request.body("2026-11-30T11:00:00Z"))), null);
        assertThat(fixture.metrics.gauge(Gauge.OUTBOX_PENDING)).hasValue(1);

        fixture.sqs.resume();
        handler.handleRequest(event(), null);

        assertThat(fixture.metrics.gauge(Gauge.OUTBOX_PENDING)).hasValue(0);
        assertThat(fixture.drainDeltas()).hasSize(1);
    }
}
