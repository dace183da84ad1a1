package io.billingsnapshot.soak;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.RecordingMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the real handlers counted in their own metrics, summed over every invocation of the
 * run, and how many sets split on a foreign-key violation (from their log).
 */
record HandlerTallies(long invocations, Map<ReferenceColumn, Long> fkRetries, long fkFallbacks,
        Map<Metric, Long> counts) {

    static HandlerTallies of(List<RecordingMetrics> invocations, long fkFallbacks) {
        Map<ReferenceColumn, Long> fkRetries = new EnumMap<>(ReferenceColumn.class);
        Map<Metric, Long> counts = new EnumMap<>(Metric.class);
        for (RecordingMetrics metrics : invocations) {
            for (ReferenceColumn column : ReferenceColumn.values()) {
                fkRetries.merge(column, metrics.fkRetries(column), Long::sum);
            }
            for (Metric metric : Metric.values()) {
                counts.merge(metric, metrics.counted(metric), Long::sum);
            }
        }
        return new HandlerTallies(invocations.size(), Map.copyOf(fkRetries), fkFallbacks, Map.copyOf(counts));
    }

    long fkRetriesTotal() {
        return fkRetries.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Foreign-key races the handlers lost and handled: a record retried with the deleted
     * reference NULL, or a set that met the 23503 and was split in halves.
     */
    long fkRacesLost() {
        return fkRetriesTotal() + fkFallbacks;
    }

    long count(Metric metric) {
        return counts.getOrDefault(metric, 0L);
    }
}
