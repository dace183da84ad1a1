package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The race of the gateway's PR #169, made to happen for real. A key or upstream deleted while we
 * reconcile: our read locks the parents (KEY SHARE), so it waits for the delete and then sees
 * the reference NULL, as the cascade left it; no write fails. The catch-FK-and-retry stays as the
 * safety net for a delete our locks cannot hold off: staged by a trigger that deletes the parent
 * inside our own transaction, just before our insert, which then fails with a real 23503.
 */
class FkRaceTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aKeyDeletedWhileWeReconcileIsWrittenNullWithoutARetry() throws Exception {
        Request request = fixture.request();

        SQSBatchResponse response = raceAgainstDelete("api_keys", request.apiKeyId(), request);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "upstream_id")).isEqualTo(request.upstreamId());
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.API_KEY)).isZero();
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("10.0000000000"))));
    }

    @Test
    void anUpstreamDeletedWhileWeReconcileIsWrittenNullWithoutARetry() throws Exception {
        Request request = fixture.request();

        SQSBatchResponse response = raceAgainstDelete("upstreams", request.upstreamId(), request);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "upstream_id")).isNull();
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.UPSTREAM)).isZero();
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), new BigDecimal("10.0000000000"))));
    }

    @Test
    void retriesASetOfOneWithNullApiKeyOnARealForeignKeyViolation() {
        Request request = fixture.request();
        deleteKeyJustBeforeOurInsert(request.apiKeyId());
        var handler = fixture.handler();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        SQSBatchResponse response;
        try (var redirect = JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC())) {
            JsonLog.setThreshold(JsonLog.Level.WARN); // as with the template's LogLevel=WARN
            response = handler.handleRequest(event(record("m1", request.body(BILLED_AT))), null);
        } finally {
            JsonLog.setThreshold(JsonLog.Level.INFO);
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"level\":\"WARN\"")
                .contains("\"event\":\"" + LogEvent.WRITTEN_AFTER_FK_RETRY + "\"")
                .contains("\"requestLogId\":\"" + request.requestLogId() + "\"")
                .contains("\"column\":\"api_key_id\"");
        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.API_KEY)).isEqualTo(1);
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("10.0000000000"))));
    }

    @Test
    void aBatchWithARealForeignKeyViolationSplitsAndRetriesOnlyThatRecord() {
        Request raced = fixture.request();
        Request other = fixture.request();
        deleteKeyJustBeforeOurInsert(raced.apiKeyId());

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("m1", raced.body(BILLED_AT)), record("m2", other.body(BILLED_AT))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(raced.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.snapshotColumn(other.requestLogId(), "api_key_id")).isEqualTo(other.apiKeyId());
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.API_KEY)).isEqualTo(1);
        assertThat(fixture.metrics.counted(Metric.SET_SPLITS)).isEqualTo(1);
        assertThat(fixture.drainDeltas()).hasSize(2);
    }

    @Test
    void keyDeletedBeforeTheMessageArrivesIsReconciledWithoutRetry() {
        Request request = fixture.request();
        fixture.db.execute("DELETE FROM api_keys WHERE id = ?", request.apiKeyId());

        SQSBatchResponse response = fixture.handler().handleRequest(
                event(record("m1", request.body(BILLED_AT))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.API_KEY)).isZero();
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments())
                .extracting(Adjustment::scope).containsExactly(Adjustment.Scope.UPSTREAM));
    }

    /** In our own transaction, after our locks and before the FK check: what no lock of ours can prevent. */
    private void deleteKeyJustBeforeOurInsert(UUID apiKeyId) {
        fixture.db.execute(String.format(Locale.ROOT, """
                CREATE FUNCTION delete_key_first() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.api_key_id = '%s' THEN
                        DELETE FROM api_keys WHERE id = NEW.api_key_id;
                    END IF;
                    RETURN NEW;
                END $$""", apiKeyId));
        fixture.db.execute("""
                CREATE TRIGGER delete_key_first BEFORE INSERT ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION delete_key_first()""");
    }

    private SQSBatchResponse raceAgainstDelete(String table, UUID id, Request request) throws Exception {
        var handler = fixture.handler();
        // Our KEY SHARE lock on the row being deleted waits; the delete commits then.
        return fixture.raceAgainstUncommitted(
                () -> handler.handleRequest(event(record("m1", request.body(BILLED_AT))), null),
                "DELETE FROM " + table + " WHERE id = ?", id);
    }
}
