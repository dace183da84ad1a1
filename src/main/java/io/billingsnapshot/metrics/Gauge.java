package io.billingsnapshot.metrics;

import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Levels measured during an invocation (the outbox's state), by their CloudWatch names. Unlike a
 * {@link Metric} counter, a gauge is written only when it was measured: when the outbox could
 * not be read, nothing is reported, never a 0 that would hide a backlog.
 */
public enum Gauge {
    /** Deltas waiting to be published (set-aside ones excluded). */
    OUTBOX_PENDING("OutboxPending", Unit.COUNT),
    /** Age of the oldest of them; 0 when none is pending. */
    OUTBOX_OLDEST_AGE_SECONDS("OutboxOldestAgeSeconds", Unit.SECONDS),
    /** Deltas set aside because they can never be published; each needs an operator. */
    OUTBOX_QUARANTINED("OutboxQuarantined", Unit.COUNT);

    private final String metricName;
    private final Unit unit;

    Gauge(String metricName, Unit unit) {
        this.metricName = metricName;
        this.unit = unit;
    }

    public String metricName() {
        return metricName;
    }

    Unit unit() {
        return unit;
    }
}
