package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overlapping invocations wait for each other and never deadlock, staged with real sessions at
 * the one interleaving that used to deadlock: a snapshot row committed by someone else between
 * two invocations' locking reads. The first invocation, which did not see it, inserts its new
 * rows and reaches it; the second locked it and then waits on the first's new rows. When the
 * upsert locked every conflicting row (ON CONFLICT DO UPDATE locks the row before it checks
 * that it is one of ours), the first waited on the second's lock and PostgreSQL cancelled one
 * of them with 40P01; now a row we did not lock is left alone without waiting (DO NOTHING),
 * the first rolls back and retries, and the second goes on.
 */
class OverlappingInvocationsTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aRowCommittedBetweenTwoInvocationsLockingReadsMakesOneWaitAndNeitherDeadlock() throws Exception {
        // B < X < C in PostgreSQL's order and in Java's: the staging does not depend on which sorts.
        Request b = fixture.request(UUID.fromString("10000000-0000-4000-8000-00000000000b"));
        Request x = fixture.request(UUID.fromString("20000000-0000-4000-8000-00000000000c"));
        Request c = fixture.request(UUID.fromString("30000000-0000-4000-8000-00000000000d"));
        BillingSnapshotHandler first = fixture.handler();
        BillingSnapshotHandler second = fixture.handler();
        SQSBatchResponse firstResponse;
        SQSBatchResponse secondResponse;

        try (CapturedLogs logs = CapturedLogs.start(); Connection other = fixture.db.connect()) {
            other.setAutoCommit(false);
            insertUnbilledRow(other, x);
            var one = CompletableFuture.supplyAsync(() -> first.handleRequest(event(record("b1", b.body(BILLED_AT)),
                    record("x1", x.body(BILLED_AT)), record("c1", c.body(BILLED_AT))), null));
            fixture.awaitLockWaiters(1); // the first read no stored row, inserted B and waits on X
            try (Connection gateway = fixture.db.connect()) {
                insertUnbilledRow(gateway, c); // committed after the first's locking read
            }
            var two = CompletableFuture.supplyAsync(() -> second.handleRequest(event(record("b2", b.body(BILLED_AT)),
                    record("c2", c.body(BILLED_AT))), null));
            fixture.awaitLockWaiters(2); // the second locked C and waits on the first's new B
            other.rollback(); // the first goes on to C

            firstResponse = one.get();
            secondResponse = two.get();

            assertThat(logs.lines()).as("no deadlock").noneMatch(line -> line.containsValue("40P01")
                    || String.valueOf(line.get("detail")).contains("40P01"));
        }
        assertThat(failedIds(firstResponse)).isEmpty();
        assertThat(failedIds(secondResponse)).isEmpty();
        assertThat(chargedPerKey(fixture.drainDeltas())).as("each request charged once")
                .containsExactlyInAnyOrderEntriesOf(Map.of(b.apiKeyId(), 10.0, x.apiKeyId(), 10.0, c.apiKeyId(), 10.0));
    }

    private static void insertUnbilledRow(Connection c, Request request) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO request_billing_snapshots (request_log_id, api_key_id, upstream_id, user_id, model,
                    billing_status, unbillable_reason, billed_at, created_at)
                VALUES (?, ?, ?, ?, 'gpt-4o', 'unbilled', 'price_not_found', '2026-11-30T10:00:00Z', now())""")) {
            ps.setObject(1, request.requestLogId());
            ps.setObject(2, request.apiKeyId());
            ps.setObject(3, request.upstreamId());
            ps.setObject(4, request.userId());
            ps.executeUpdate();
        }
    }

    private static Map<UUID, Double> chargedPerKey(List<QuotaDelta> deltas) {
        Map<UUID, BigDecimal> charged = new TreeMap<>();
        deltas.stream().flatMap(d -> d.adjustments().stream()).filter(a -> a.scope() == Adjustment.Scope.API_KEY)
                .forEach(a -> charged.merge(a.id(), a.amount(), BigDecimal::add));
        Map<UUID, Double> amounts = new TreeMap<>();
        charged.forEach((id, amount) -> amounts.put(id, amount.doubleValue()));
        return amounts;
    }
}
