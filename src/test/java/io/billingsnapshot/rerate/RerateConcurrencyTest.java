package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.DAY;
import static io.billingsnapshot.rerate.RerateTest.NEW_MODEL;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.rerate.RerateTest.send;
import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Re-rating while messages are billed and while another re-rate runs, each interleaving made to
 * happen: a trigger holds the first writer inside its write (row locks taken) until the test has
 * seen the second one wait for those locks in pg_stat_activity.
 */
class RerateConcurrencyTest {

    /** The advisory lock the test holds and the trigger waits on. */
    private static final int GATE = 4242;

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final List<QuotaDelta> published = new ArrayList<>();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private RerateHandler rerate(int chunkRows) {
        return fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), chunkRows);
    }

    /** Every update of a snapshot waits at the gate while the test holds it. */
    private Connection closeGateOnSnapshotUpdates() throws Exception {
        billing.db.execute("""
                CREATE FUNCTION wait_at_gate() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock_shared(GATE_ID);
                    RETURN NEW;
                END $$""".replace("GATE_ID", String.valueOf(GATE)));
        billing.db.execute("""
                CREATE TRIGGER wait_at_gate BEFORE UPDATE ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION wait_at_gate()""");
        Connection gate = billing.db.connect();
        try (Statement s = gate.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + GATE + ")");
        }
        return gate;
    }

    /** Waits (in autocommit: a transaction would see a frozen snapshot) until enough backends wait on {@code waitEvent}. */
    private void awaitWaiting(String waitEvent, int backends) throws Exception {
        Await.until(backends + " backend(s) waiting on " + waitEvent, () -> billing.count(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock' AND wait_event = ?", waitEvent) >= backends);
    }

    private void drain() {
        published.addAll(billing.drainDeltas());
    }

    @Test
    void aNewerMessageArrivingWhileItsRowIsReratedWaitsThenWinsAndQuotaIsConserved() throws Exception {
        Request request = send(billing, BillingFixture.MODEL, "2026-11-30T10:00:00Z"); // $2 + $8
        drain();
        price(billing, BillingFixture.MODEL, 3, 8); // re-rated: $3 + $8
        try (Connection gate = closeGateOnSnapshotUpdates()) {
            Future<Map<String, Object>> rerating = threads.submit(
                    () -> RerateFixture.invoke(rerate(1_000), "{" + DAY + ", \"dryRun\": false}"));
            awaitWaiting("advisory", 1); // the re-rate holds the row and waits inside its upsert
            String newer = request.body(2_000_000, 1_000_000, "2026-11-30T10:30:00Z");
            Future<?> message = threads.submit(() -> billing.handler().handleRequest(event(record("m2", newer)), null));
            awaitWaiting("transactionid", 1); // the message waits for the re-rate's row lock

            gate.createStatement().execute("SELECT pg_advisory_unlock(" + GATE + ")");

            assertThat(rerating.get(30, TimeUnit.SECONDS)).containsEntry("changed", 1L);
            assertThat(BillingFixture.failedIds((com.amazonaws.services.lambda.runtime.events.SQSBatchResponse)
                    message.get(30, TimeUnit.SECONDS))).isEmpty();
        }
        drain();

        // The newer message wins, priced at the corrected price: $6 + $8.
        assertThat(billing.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(14.0);
        assertThat(billing.snapshotColumn(request.requestLogId(), "prompt_tokens")).isEqualTo(2_000_000);
        // $10 by the first message, +$1 by the re-rate, +$3 by the newer message.
        assertThat(published).hasSize(3);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts())
                .containsEntry("api_key:" + request.apiKeyId(), new java.math.BigDecimal("14"));
        assertThat(fixture.outboxRows()).isZero();
    }

    @Test
    void aReratePassesOverARowThatANewerMessageMovedOutOfItsRangeWhileItWaited() throws Exception {
        Request request = send(billing, NEW_MODEL, "2026-11-30T10:00:00Z");
        drain();
        price(billing, NEW_MODEL, 1, 4);
        try (Connection gate = closeGateOnSnapshotUpdates()) {
            String newer = request.body(1_000_000, 1_000_000, "2026-11-30T10:30:00Z")
                    .replace("\"model\":\"gpt-4o\"", "\"model\":\"" + NEW_MODEL + "\"");
            Future<?> message = threads.submit(() -> billing.handler().handleRequest(event(record("m2", newer)), null));
            awaitWaiting("advisory", 1); // the message holds the row and waits inside its upsert
            Future<Map<String, Object>> rerating = threads.submit(() -> RerateFixture.invoke(rerate(1_000),
                    "{\"from\": \"2026-11-30T10:00:00Z\", \"to\": \"2026-11-30T10:20:00Z\", \"dryRun\": false}"));
            awaitWaiting("transactionid", 1); // the re-rate waits for the message's row lock

            gate.createStatement().execute("SELECT pg_advisory_unlock(" + GATE + ")");

            message.get(30, TimeUnit.SECONDS);
            assertThat(rerating.get(30, TimeUnit.SECONDS)).containsEntry("examined", 0L).containsEntry("changed", 0L);
        }
        drain();

        assertThat(billing.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(5.0);
        assertThat(published).hasSize(1);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void twoConcurrentReratesOfTheSameRangeChangeEachRowOnce() throws Exception {
        for (int i = 0; i < 12; i++) {
            send(billing, NEW_MODEL, String.format(Locale.ROOT, "2026-11-30T10:%02d:00Z", i));
        }
        drain();
        price(billing, NEW_MODEL, 1, 4);
        String run = "{" + DAY + ", \"dryRun\": false}";
        Map<String, Object> first;
        Map<String, Object> second;
        try (Connection gate = closeGateOnSnapshotUpdates()) {
            Future<Map<String, Object>> one = threads.submit(() -> RerateFixture.invoke(rerate(5), run));
            awaitWaiting("advisory", 1); // the first holds its first chunk's rows inside its upsert
            Future<Map<String, Object>> other = threads.submit(() -> RerateFixture.invoke(rerate(5), run));
            awaitWaiting("transactionid", 1); // the second waits for those rows

            gate.createStatement().execute("SELECT pg_advisory_unlock(" + GATE + ")");

            first = one.get(60, TimeUnit.SECONDS);
            second = other.get(60, TimeUnit.SECONDS);
        }
        drain();

        assertThat((Long) first.get("changed") + (Long) second.get("changed")).isEqualTo(12L);
        assertThat((Long) first.get("billedNow") + (Long) second.get("billedNow")).isEqualTo(12L);
        assertThat(published).hasSize(12);
        assertThat(published).extracting(QuotaDelta::requestLogId).doesNotHaveDuplicates();
        assertThat(billing.count("SELECT count(*) FROM request_billing_snapshots WHERE billing_status = 'billed'"))
                .isEqualTo(12);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    /**
     * The gateway deletes an upstream while a re-rate holds a snapshot referencing it: the
     * delete's cascade waits for the re-rate's row, and the re-rate, which leaves the references as
     * they are, needs no lock on the upstream (PostgreSQL checks no foreign key on an update that
     * keeps its value). So the delete waits and then succeeds, never a deadlock victim.
     */
    @Test
    void aGatewayDeleteOfTheUpstreamWaitsForTheRerateAndSucceeds() throws Exception {
        Request request = send(billing, BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        drain();
        price(billing, BillingFixture.MODEL, 3, 8);
        try (Connection gate = closeGateOnSnapshotUpdates(); Connection gateway = billing.db.connect()) {
            Future<Map<String, Object>> rerating = threads.submit(
                    () -> RerateFixture.invoke(rerate(1_000), "{" + DAY + ", \"dryRun\": false}"));
            awaitWaiting("advisory", 1); // the re-rate holds the snapshot row, inside its upsert
            Future<Integer> delete = threads.submit(() -> {
                try (var ps = gateway.prepareStatement("DELETE FROM upstreams WHERE id = ?")) {
                    ps.setObject(1, request.upstreamId());
                    return ps.executeUpdate();
                }
            });
            awaitWaiting("transactionid", 1); // the delete's cascade waits for that row

            gate.createStatement().execute("SELECT pg_advisory_unlock(" + GATE + ")");

            assertThat(rerating.get(30, TimeUnit.SECONDS)).containsEntry("changed", 1L);
            assertThat(delete.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
        drain();

        assertThat(billing.snapshotColumn(request.requestLogId(), "upstream_id")).isNull();
        assertThat(billing.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(11.0);
        assertThat(RerateFixture.net(published)).containsEntry("api_key:" + request.apiKeyId(), new java.math.BigDecimal("11"))
                .containsEntry("upstream:" + request.upstreamId(), new java.math.BigDecimal("11"));
    }
}
