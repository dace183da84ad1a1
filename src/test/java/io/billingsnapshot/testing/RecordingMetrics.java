package io.billingsnapshot.testing;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Metrics kept in memory, for asserting what an invocation counted. */
public final class RecordingMetrics implements Metrics {

    private final Map<Metric, Long> counts = new EnumMap<>(Metric.class);
    private final Map<ReferenceColumn, Long> fkRetries = new EnumMap<>(ReferenceColumn.class);
    private int flushes;

    @Override
    public synchronized void count(Metric metric, long value) {
        counts.merge(metric, value, Long::sum);
    }

    @Override
    public synchronized void fkRetry(ReferenceColumn column) {
        fkRetries.merge(column, 1L, Long::sum);
    }

    @Override
    public void batchDuration(Duration duration) {
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    public synchronized long count(Metric metric) {
        return counts.getOrDefault(metric, 0L);
    }

    public synchronized long fkRetries(ReferenceColumn column) {
        return fkRetries.getOrDefault(column, 0L);
    }

    public synchronized int flushes() {
        return flushes;
    }
}
