package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redelivery, concurrent duplicates, re-pricing and stale messages: quota moves once per change. */
class QuotaDeltaExactlyOnceTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void redeliveringTheSameMessageWritesOneSnapshotAndNoSecondDelta() {
        Request request = fixture.request();
        var handler = fixture.handler();
        String body = request.body("2026-11-30T11:00:00Z");

        handler.handleRequest(event(record("m1", body)), null);
        var second = handler.handleRequest(event(record("m1-again", body)), null);

        assertThat(failedIds(second)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
        assertThat(fixture.drainDeltas()).singleElement().satisfies(d -> assertThat(d.adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), new BigDecimal("10.0000000000")),
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("10.0000000000"))));
    }

    @Test
    void theSameMessageOnTwoHandlersAtOnceIsChargedExactlyOnce() throws Exception {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(fixture.request());
        }
        var first = fixture.handler();
        var second = fixture.handler();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (Request request : requests) {
                String body = request.body("2026-11-30T11:00:00Z");
                CyclicBarrier start = new CyclicBarrier(2);
                var a = CompletableFuture.supplyAsync(
                        () -> awaitThen(start, () -> first.handleRequest(event(record("a", body)), null)), threads);
                var b = CompletableFuture.supplyAsync(
                        () -> awaitThen(start, () -> second.handleRequest(event(record("b", body)), null)), threads);
                assertThat(failedIds(a.get())).isEmpty();
                assertThat(failedIds(b.get())).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }

        List<QuotaDelta> deltas = fixture.drainDeltas();
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(20);
        assertThat(deltas).hasSize(20);
        for (Request request : requests) {
            assertThat(total(deltas, request.apiKeyId())).isEqualByComparingTo("10");
        }
    }

    @Test
    void aNewerMessageRepricesAndPublishesOnlyTheDifference() {
        Request request = fixture.request();
        var handler = fixture.handler();
        handler.handleRequest(event(record("m1", request.body("2026-11-30T11:00:00Z"))), null);

        handler.handleRequest(event(record("m2", request.body(2_000_000, 1_000_000, "2026-11-30T11:30:00Z"))), null);

        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(12.0);
        List<QuotaDelta> deltas = fixture.drainDeltas();
        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(1).adjustments()).containsExactly(
                new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), new BigDecimal("2.0000000000")),
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), new BigDecimal("2.0000000000")));
    }

    @Test
    void anOlderMessageIsAcknowledgedAsStaleAndChangesNothing() {
        Request request = fixture.request();
        var handler = fixture.handler();
        handler.handleRequest(event(record("m1", request.body("2026-11-30T11:30:00Z"))), null);
        fixture.drainDeltas();

        var response = handler.handleRequest(event(record("old", request.body(5, 5, "2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.metrics.counted(Metric.STALE_MESSAGES)).isEqualTo(1);
        assertThat(fixture.drainDeltas()).isEmpty();
    }

    private static BigDecimal total(List<QuotaDelta> deltas, UUID id) {
        return deltas.stream().flatMap(d -> d.adjustments().stream()).filter(a -> a.id().equals(id))
                .map(Adjustment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static <T> T awaitThen(CyclicBarrier barrier, java.util.function.Supplier<T> work) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return work.get();
    }
}
