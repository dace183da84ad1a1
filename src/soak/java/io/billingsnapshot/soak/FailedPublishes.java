package io.billingsnapshot.soak;

import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.Await;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counts the publish calls that failed on their way to the quota-delta queue (threw, or
 * reported some deltas not accepted), so that an outage or a stall lasts until it has really
 * been met (a number of publishes failed), however fast or slow the machine.
 */
final class FailedPublishes {

    private final AtomicLong failed = new AtomicLong();

    /** Wraps the real publisher: every call that throws or leaves a delta unaccepted is counted. */
    DeltaPublisher counting(DeltaPublisher publisher) {
        return (deltas, timeLeft) -> {
            DeltaPublisher.Result result;
            try {
                result = publisher.publish(deltas, timeLeft);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                throw e;
            }
            if (result.accepted().size() < deltas.size()) {
                failed.incrementAndGet();
            }
            return result;
        };
    }

    long count() {
        return failed.get();
    }

    /** Waits until {@code more} publishes failed after {@code since}, the soak stops, or {@code limit} passed. */
    void awaitMore(long since, int more, Duration limit, BooleanSupplier stopping) throws Exception {
        Await.holdsWithin(limit,
                () -> failed.get() - since >= more || stopping.getAsBoolean());
    }
}
