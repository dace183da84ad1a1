package io.billingsnapshot.metrics;

import io.billingsnapshot.billing.ReferenceColumn;
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

    /** One catch-FK-and-retry-with-NULL, by the column that was set NULL. */
    void fkRetry(ReferenceColumn column);

    void batchDuration(Duration duration);

    void flush();
}
