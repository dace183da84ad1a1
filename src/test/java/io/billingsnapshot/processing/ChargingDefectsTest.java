package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.sql.Connection;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three ways the two former engines charged wrongly, each against the real database, on a
 * set of one (one record) and on a whole batch (two records): every one of these failed before
 * the one engine.
 */
class ChargingDefectsTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aModelPricedJustAfterABatchSawItUnpricedIsBilledByTheNextBatch() {
        var handler = fixture.handler();
        handler.handleRequest(twoRequests("new-model"), null);
        fixture.db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                VALUES ('new-model', 2, 8, 'litellm')""");

        SQSEvent next = twoRequests("new-model");
        handler.handleRequest(next, null);

        assertThat(column(next, 0, "billing_status")).isEqualTo("billed");
        assertThat(column(next, 1, "final_cost")).isEqualTo(10.0);
    }

    @Test
    void aPriceChangeAppliesToTheVeryNextBatch() {
        var handler = fixture.handler();
        handler.handleRequest(twoRequests(BillingFixture.MODEL), null);
        fixture.db.execute("UPDATE billing_model_prices SET input_price_per_million = 4 WHERE model = 'gpt-4o'");

        SQSEvent next = twoRequests(BillingFixture.MODEL);
        handler.handleRequest(next, null);
        SQSEvent alone = event(record("z", fixture.request().body(BILLED_AT)));
        handler.handleRequest(alone, null);

        assertThat(column(next, 0, "final_cost")).isEqualTo(12.0);
        assertThat(column(alone, 0, "final_cost")).as("the same price alone and in a batch").isEqualTo(12.0);
    }

    @Test
    void aCorrectionWithTheSameSubMicrosecondBilledAtOverwritesAlone() {
        correctionWithTheSameSubMicrosecondBilledAtOverwrites(1);
    }

    @Test
    void aCorrectionWithTheSameSubMicrosecondBilledAtOverwritesInABatch() {
        correctionWithTheSameSubMicrosecondBilledAtOverwrites(2);
    }

    private void correctionWithTheSameSubMicrosecondBilledAtOverwrites(int batchSize) {
        var handler = fixture.handler();
        Request request = fixture.request();
        String billedAt = "2026-11-30T11:00:00.0000007Z";
        handler.handleRequest(batchWith(batchSize, record("m1", request.body(1_000_000, 1_000_000, billedAt))), null);

        SQSBatchResponse response = handler.handleRequest(
                batchWith(batchSize, record("m2", request.body(2_000_000, 1_000_000, billedAt))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.metrics.counted(Metric.STALE_MESSAGES)).isZero();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(12.0);
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots WHERE request_log_id = ?"
                + " AND billed_at = '2026-11-30T11:00:00Z'", request.requestLogId())).as("truncated").isEqualTo(1);
    }

    @Test
    void aRowATriggerSkipsRecordsNoDeltaAndFailsAlone() {
        rowSkippedByATriggerRecordsNoDeltaAndFails(1);
    }

    @Test
    void aRowATriggerSkipsRecordsNoDeltaAndFailsInABatch() {
        rowSkippedByATriggerRecordsNoDeltaAndFails(2);
    }

    private void rowSkippedByATriggerRecordsNoDeltaAndFails(int batchSize) {
        Request skipped = fixture.request();
        fixture.db.execute(String.format(Locale.ROOT, """
                CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN CASE WHEN NEW.request_log_id = '%s' THEN NULL ELSE NEW END;
                END $$""", skipped.requestLogId()));
        fixture.db.execute("""
                CREATE TRIGGER skip_row BEFORE INSERT ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION skip_row()""");

        SQSBatchResponse response = fixture.handler().handleRequest(
                batchWith(batchSize, record("skipped", skipped.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("skipped");
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots WHERE request_log_id = ?",
                skipped.requestLogId())).isZero();
        assertThat(fixture.drainDeltas()).allSatisfy(
                d -> assertThat(d.requestLogId()).isNotEqualTo(skipped.requestLogId())).hasSize(batchSize - 1);
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
    }

    /**
     * The vanishing row, staged with concurrent sessions: another invocation inserts the same
     * request's row (uncommitted) and our insert waits on it; the gateway then deletes the request
     * log, which waits on our lock of it. The other invocation commits; our insert finds its row,
     * which we did not lock, and writes nothing, so the set records nothing and rolls back. Then
     * the gateway's delete and our one fresh attempt race for the request log: either the delete
     * wins (the request log and, by cascade, the row are gone: the record fails, nothing charged)
     * or our attempt locks it first and writes over the duplicate's row, charging exactly the
     * difference, before the delete removes it. Never a delta for a row that was not written.
     */
    @Test
    void aRowThatVanishesUnderAConcurrentDuplicateAndDeleteRecordsNothing() throws Exception {
        Request request = fixture.request();
        var handler = fixture.handler();
        SQSBatchResponse response;
        CompletableFuture<Void> gatewayDelete;
        try (Connection duplicate = fixture.db.connect(); Connection gateway = fixture.db.connect()) {
            duplicate.setAutoCommit(false);
            try (var ps = duplicate.prepareStatement("""
                    INSERT INTO request_billing_snapshots (request_log_id, model, billing_status, billed_at, created_at)
                    VALUES (?, 'gpt-4o', 'unbilled', '2026-11-30T10:00:00Z', now())""")) {
                ps.setObject(1, request.requestLogId());
                ps.executeUpdate();
            }
            var run = CompletableFuture.supplyAsync(
                    () -> handler.handleRequest(event(record("m1", request.body(BILLED_AT))), null));
            fixture.awaitLockWaiters(1); // our insert waits on the duplicate's row
            gatewayDelete = CompletableFuture.runAsync(() -> fixture.db.execute(
                    "DELETE FROM request_logs WHERE id = ?", request.requestLogId()));
            fixture.awaitLockWaiters(2); // the gateway's delete waits on our KEY SHARE of the request log
            duplicate.commit();
            response = run.get();
            gatewayDelete.get();
        }

        var deltas = fixture.drainDeltas();
        if (failedIds(response).isEmpty()) {
            // Written over the duplicate's unbilled row: +$10, once.
            assertThat(deltas).singleElement().satisfies(d -> assertThat(d.adjustments())
                    .extracting(a -> a.amount().doubleValue()).containsExactly(10.0, 10.0));
        } else {
            assertThat(failedIds(response)).containsExactly("m1");
            assertThat(deltas).isEmpty();
        }
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
    }

    private SQSEvent twoRequests(String model) {
        return event(record("x", fixture.request().body(BILLED_AT).replace("gpt-4o", model)),
                record("y", fixture.request().body(BILLED_AT).replace("gpt-4o", model)));
    }

    /** The record, alone or after a record of another request. */
    private SQSEvent batchWith(int size, SqsRecord record) {
        return size == 1 ? event(record) : event(record("other-" + record.messageId(),
                fixture.request().body(BILLED_AT)), record);
    }

    private Object column(SQSEvent event, int index, String column) {
        String body = event.getRecords().get(index).getBody();
        String id = body.substring(body.indexOf(':') + 2, body.indexOf(':') + 38);
        return fixture.snapshotColumn(java.util.UUID.fromString(id), column);
    }
}
