package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's deletes never lose to billing. Staged for real: a stored snapshot references
 * upstream U; a batch brings a newer version of that request (and, on the set, another request on
 * U); the gateway runs {@code DELETE FROM upstreams WHERE id = U} while our write is in flight
 * (held there by a trigger that waits on an advisory lock the test releases once the delete is
 * waiting too). The delete's cascade must update our snapshot row; our insert's FK check needs U.
 * Locking in the opposite order, PostgreSQL cancelled the gateway's DELETE as the deadlock victim.
 */
class GatewayDeleteTest {

    private static final long PAUSE_KEY = 4242;
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void anUpstreamDeleteDuringABatchWriteSucceedsAndTheBatchToo() throws Exception {
        stageAndCheck(3);
    }

    @Test
    void anUpstreamDeleteDuringAWriteOfOneSucceedsAndTheRecordToo() throws Exception {
        stageAndCheck(1);
    }

    private void stageAndCheck(int records) throws Exception {
        Request stored = fixture.request();
        var handler = fixture.handler();
        assertThat(failedIds(handler.handleRequest(event(record("old", stored.body("2026-11-30T10:00:00Z"))), null)))
                .isEmpty();
        List<SqsRecord> batch = new ArrayList<>();
        batch.add(record("newer", stored.body(2_000_000, 1_000_000, "2026-11-30T11:00:00Z")));
        List<UUID> others = new ArrayList<>();
        for (int i = 1; i < records; i++) {
            UUID log = UUID.randomUUID();
            fixture.db.execute("INSERT INTO request_logs (id, upstream_id, model) VALUES (?, ?, 'gpt-4o')",
                    log, stored.upstreamId());
            others.add(log);
            batch.add(record("other" + i, new Request(log, null, stored.upstreamId(), null)
                    .body("2026-11-30T11:00:00Z").replace("\"null\"", "null")));
        }
        pauseEveryWriteOnAdvisoryLock();

        SQSBatchResponse response;
        CompletableFuture<Void> gatewayDelete;
        try (Connection pauser = fixture.db.connect()) {
            execute(pauser, "SELECT pg_advisory_lock(" + PAUSE_KEY + ")");
            var run = CompletableFuture.supplyAsync(
                    () -> handler.handleRequest(event(batch), null));
            fixture.awaitLockWaiters(1); // our write, paused
            gatewayDelete = CompletableFuture.runAsync(
                    () -> fixture.db.execute("DELETE FROM upstreams WHERE id = ?", stored.upstreamId()));
            fixture.awaitLockWaiters(2); // the gateway's delete, waiting on us
            execute(pauser, "SELECT pg_advisory_unlock(" + PAUSE_KEY + ")");
            response = run.get();
        }

        assertThatCode(gatewayDelete::get).as("the gateway's DELETE").doesNotThrowAnyException();
        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM upstreams WHERE id = ?", stored.upstreamId())).isZero();
        assertThat(fixture.snapshotColumn(stored.requestLogId(), "final_cost")).as("the newer version").isEqualTo(12.0);
        assertThat(fixture.snapshotColumn(stored.requestLogId(), "upstream_id")).as("the cascade ran after us").isNull();
        for (UUID other : others) {
            assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots WHERE request_log_id = ?"
                    + " AND upstream_id IS NULL", other)).isEqualTo(1);
        }
    }

    /** Each insert first waits for the test's advisory lock, then lets go of it at once. */
    private void pauseEveryWriteOnAdvisoryLock() {
        fixture.db.execute(String.format(Locale.ROOT, """
                CREATE FUNCTION pause_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_lock_shared(%d);
                    PERFORM pg_advisory_unlock_shared(%d);
                    RETURN NEW;
                END $$""", PAUSE_KEY, PAUSE_KEY));
        fixture.db.execute("""
                CREATE TRIGGER pause_write BEFORE INSERT ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION pause_write()""");
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (var ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }
}
