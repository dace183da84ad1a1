package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two invocations with the same requests at once, in opposite orders: each request is charged once. */
class ConcurrentBatchesTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void theSameRequestsInTwoBatchesAtOnceAreChargedExactlyOnce() throws Exception {
        var first = fixture.handler();
        var second = fixture.handler();
        List<Request> all = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 15; round++) {
                List<Request> requests = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    requests.add(fixture.request());
                }
                all.addAll(requests);
                SQSEvent forward = batch(requests);
                List<Request> reversed = new ArrayList<>(requests);
                Collections.reverse(reversed);
                SQSEvent backward = batch(reversed);
                CyclicBarrier start = new CyclicBarrier(2);
                var a = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return first.handleRequest(forward, null);
                }, threads);
                var b = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return second.handleRequest(backward, null);
                }, threads);
                assertThat(failedIds(a.get())).isEmpty();
                assertThat(failedIds(b.get())).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }

        List<QuotaDelta> deltas = fixture.drainDeltas();
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(all.size());
        for (Request request : all) {
            assertThat(total(deltas, request.apiKeyId())).as("charged to %s", request.apiKeyId())
                    .isEqualByComparingTo("10");
        }
    }

    private static SQSEvent batch(List<Request> requests) {
        List<SqsRecord> records = new ArrayList<>();
        for (Request request : requests) {
            records.add(record(UUID.randomUUID().toString(), request.body("2026-11-30T11:00:00Z")));
        }
        return event(records);
    }

    private static BigDecimal total(List<QuotaDelta> deltas, UUID id) {
        return deltas.stream().flatMap(d -> d.adjustments().stream()).filter(a -> a.id().equals(id))
                .map(Adjustment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
