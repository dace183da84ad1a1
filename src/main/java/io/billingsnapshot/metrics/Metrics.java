package io.billingsnapshot.metrics;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import java.time.Duration;

/**
 * The metrics of one invocation. Implementations accumulate and write everything in one
 * {@link #flush()} at the end of the invocation.
 */
public interface Metrics {

    void count(Metric metric, long value);

    default void increment(Metric metric) {
        count(metric, 1);
    }

    /** A level measured now; written only when set (the last value wins). */
    void gauge(Gauge gauge, long value);

    /** The outbox's state, reported only when it could be read (never a 0 standing in for "unknown"). */
    default void outbox(long pending, Duration oldestAge, long quarantined) {
        gauge(Gauge.OUTBOX_PENDING, pending);
        gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS, oldestAge.toSeconds());
        gauge(Gauge.OUTBOX_QUARANTINED, quarantined);
    }

    /** One catch-FK-and-retry-with-NULL, by the column that was set NULL. */
    void fkRetry(ReferenceColumn column);

    /** One unbilled row written (free usage), by why it is unbilled. */
    void unbilled(UnbillableReason reason);

    void batchDuration(Duration duration);

    void flush();
}
