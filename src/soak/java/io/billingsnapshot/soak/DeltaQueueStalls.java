package io.billingsnapshot.soak;

import io.billingsnapshot.testing.StallingEndpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Makes the quota-delta queue stop answering: the handlers' SQS client reaches it through a
 * {@link StallingEndpoint}, which accepts connections and reads requests but holds every
 * answer back until a number of publish calls have given up on it (bounded by the
 * invocation's time left, so they do), or at most {@code stallLimit}. On in the long soak only:
 * each stall costs a publish's full attempt timeouts, too slow for the default suite, where
 * StalledDependencyTest covers the stalled queue.
 */
final class DeltaQueueStalls {

    private final StallingEndpoint endpoint;
    private final FailedPublishes failedPublishes;
    private final int failuresPerStall;
    private final Duration limit;
    private final BooleanSupplier stopping;
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong failedWhileStalled = new AtomicLong();

    DeltaQueueStalls(StallingEndpoint endpoint, FailedPublishes failedPublishes, ChaosSettings settings,
            BooleanSupplier stopping) {
        this.endpoint = endpoint;
        this.failedPublishes = failedPublishes;
        this.failuresPerStall = settings.stallFailures();
        this.limit = settings.stallLimit();
        this.stopping = stopping;
    }

    void strike(Invocation trigger) throws Exception {
        long failedBefore = failedPublishes.count();
        endpoint.stall();
        try {
            stalls.incrementAndGet();
            failedPublishes.awaitMore(failedBefore, failuresPerStall, limit, stopping);
        } finally {
            failedWhileStalled.addAndGet(failedPublishes.count() - failedBefore);
            endpoint.forward();
        }
    }

    long stalls() {
        return stalls.get();
    }

    long failedWhileStalled() {
        return failedWhileStalled.get();
    }
}
