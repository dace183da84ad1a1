package io.billingsnapshot.testing;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * In-memory {@link Metrics} for tests: what one invocation counted, and how often it flushed.
 * Unlike the EMF implementation it keeps counting after a flush, and says so, so a test can
 * catch a metric that production would have dropped.
 */
public final class RecordingMetrics implements Metrics {

    private final Map<Metric, Long> counts = new EnumMap<>(Metric.class);
    private final Map<Gauge, Long> gauges = new EnumMap<>(Gauge.class);
    private final Map<ReferenceColumn, Long> fkRetries = new EnumMap<>(ReferenceColumn.class);
    private final Map<UnbillableReason, Long> unbilled = new EnumMap<>(UnbillableReason.class);
    private final List<Duration> batchDurations = new ArrayList<>();
    private int flushes;
    private boolean recordedAfterFlush;

    /** A factory that remembers every invocation's metrics, in order. */
    public static Factory factory() {
        return new Factory();
    }

    @Override
    public synchronized void count(Metric metric, long value) {
        noteRecording();
        counts.merge(metric, value, Long::sum);
    }

    @Override
    public synchronized void gauge(Gauge gauge, long value) {
        noteRecording();
        gauges.put(gauge, value);
    }

    @Override
    public synchronized void fkRetry(ReferenceColumn column) {
        noteRecording();
        fkRetries.merge(column, 1L, Long::sum);
    }

    @Override
    public synchronized void unbilled(UnbillableReason reason) {
        noteRecording();
        unbilled.merge(reason, 1L, Long::sum);
    }

    @Override
    public synchronized void batchDuration(Duration duration) {
        noteRecording();
        batchDurations.add(duration);
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    private void noteRecording() {
        if (flushes > 0) {
            recordedAfterFlush = true;
        }
    }

    /** The total counted for {@code metric}, 0 when never counted. */
    public synchronized long counted(Metric metric) {
        return counts.getOrDefault(metric, 0L);
    }

    /** The gauge's last value, empty when it was not measured (EMF writes nothing then). */
    public synchronized OptionalLong gauge(Gauge gauge) {
        Long value = gauges.get(gauge);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    public synchronized long fkRetries(ReferenceColumn column) {
        return fkRetries.getOrDefault(column, 0L);
    }

    public synchronized long fkRetriesTotal() {
        return fkRetries.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The unbilled rows written, by reason; only the reasons that had some. */
    public synchronized Map<UnbillableReason, Long> unbilled() {
        return Map.copyOf(unbilled);
    }

    /** The last batch duration recorded. */
    public synchronized Optional<Duration> batchDuration() {
        return batchDurations.isEmpty() ? Optional.empty() : Optional.of(batchDurations.get(batchDurations.size() - 1));
    }

    public synchronized int batchDurationCalls() {
        return batchDurations.size();
    }

    public synchronized int flushes() {
        return flushes;
    }

    /** True when something was counted after the first flush (production drops it). */
    public synchronized boolean recordedAfterFlush() {
        return recordedAfterFlush;
    }

    @Override
    public synchronized String toString() {
        return "RecordingMetrics" + counts + " gauges=" + gauges + " fkRetries=" + fkRetries + " unbilled=" + unbilled
                + " flushes=" + flushes;
    }

    /** Hands out a fresh {@link RecordingMetrics} per invocation and keeps them all. */
    public static final class Factory implements MetricsFactory {

        private final List<RecordingMetrics> created = new ArrayList<>();

        @Override
        public synchronized Metrics newInvocation() {
            RecordingMetrics metrics = new RecordingMetrics();
            created.add(metrics);
            return metrics;
        }

        public synchronized List<RecordingMetrics> created() {
            return List.copyOf(created);
        }

        /** The metrics of the latest invocation. */
        public synchronized RecordingMetrics last() {
            if (created.isEmpty()) {
                throw new IllegalStateException("no invocation has asked for metrics yet");
            }
            return created.get(created.size() - 1);
        }
    }
}
