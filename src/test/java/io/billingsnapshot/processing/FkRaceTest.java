package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The race of the gateway's PR #169, made to happen for real: another transaction deletes the
 * API key (or upstream) after our reconcile read and before our insert. The delete holds the
 * parent row's lock, so our insert's FK check waits on it; the test commits the delete only
 * once PostgreSQL shows our backend waiting on that lock, and the insert then fails with a
 * real 23503 from the server.
 */
class FkRaceTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void retriesWithNullApiKeyWhenKeyDeletedBetweenReconcileAndInsert() throws Exception {
        Request request = fixture.request();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        SQSBatchResponse response;
        try (var redirect = JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC())) {
            JsonLog.setThreshold(JsonLog.Level.WARN); // as with the template's LogLevel=WARN
            response = raceAgainstDelete("api_keys", request.apiKeyId(), request);
        } finally {
            JsonLog.setThreshold(JsonLog.Level.INFO);
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"level\":\"WARN\"")
                .contains("\"event\":\"fk_retry\"").contains("\"requestLogId\":\"" + request.requestLogId() + "\"")
                .contains("\"column\":\"api_key_id\"");
        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "api_key_id")).isNull();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "upstream_id")).isEqualTo(request.upstreamId());
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.API_KEY)).isEqualTo(1);
        List<QuotaDelta> deltas = fixture.drainDeltas();
        assertThat(deltas).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("10.0000000000"))));
    }

    @Test
    void retriesWithNullUpstreamWhenUpstreamDeletedBetweenReconcileAndInsert() throws Exception {
        Request request = fixture.request();

        SQSBatchResponse response = raceAgainstDelete("upstreams", request.upstreamId(), request);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "upstream_id")).isNull();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "api_key_id")).isEqualTo(request.apiKeyId());
        assertThat(fixture.metrics.fkRetries(ReferenceColumn.UPSTREAM)).isEqualTo(1);
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), new BigDecimal("10.0000000000"))));
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

    private SQSBatchResponse raceAgainstDelete(String table, UUID id, Request request) throws Exception {
        var handler = fixture.handler();
        try (Connection deleter = fixture.db.connect()) {
            deleter.setAutoCommit(false);
            try (var ps = deleter.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setObject(1, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            CompletableFuture<SQSBatchResponse> run = CompletableFuture.supplyAsync(
                    () -> handler.handleRequest(event(record("m1", request.body(BILLED_AT))), null));
            awaitBackendWaitingOnLock();
            deleter.commit();
            return run.get();
        }
    }

    /**
     * Polls pg_stat_activity (in autocommit: inside a transaction it is a frozen snapshot)
     * until a backend of this database waits on a lock: our insert's FK check.
     */
    private void awaitBackendWaitingOnLock() throws Exception {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(giveUp)) {
            if (fixture.count("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'""") > 0) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the handler never reached the insert's FK check");
    }
}
