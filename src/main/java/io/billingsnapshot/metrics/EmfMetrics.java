package io.billingsnapshot.metrics;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.logging.SuppressForbidden;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The metrics of one invocation in CloudWatch Embedded Metric Format, written by the
 * aws-embedded-metrics library on {@link #flush()}.
 *
 * <p>An EMF document gives every metric in it the same dimension sets, and a dimension's value
 * is a single member of the document. So one flush writes:
 * <ul>
 *   <li>one document with every {@link Metric} counter (zeros included, so each alarm and graph
 *       has a data point per invocation), the {@link Gauge}s that were measured (only those) and
 *       {@value Metric#BATCH_DURATION}, with one empty
 *       dimension set: no dimensions;</li>
 *   <li>one document per column that had FK retries, {@value Metric#FK_RETRIES} with the dimension
 *       sets {@code [Column]} and {@code []}: the library's dimension sets publish the one value
 *       both per column and as the total across columns;</li>
 *   <li>likewise one document per unbillable reason that had unbilled rows written,
 *       {@value Metric#UNBILLED_REQUESTS} with the dimension sets {@code [Reason]} and {@code []}.</li>
 * </ul>
 * The library's default dimensions (LogGroup, ServiceName, ServiceType) are replaced, so the
 * alarms in template.yaml match on exactly these dimensions.
 *
 * <p>Thread-safe: records may be processed in parallel within an invocation.
 */
// Counters are lock-free arrays indexed by the enums' ordinals: the enums are fixed at compile time.
@SuppressWarnings("EnumOrdinal")
public final class EmfMetrics implements Metrics {

    private static final JsonLog LOG = JsonLog.get(EmfMetrics.class);

    private final EmfDocuments documents;
    private final AtomicLongArray counts = new AtomicLongArray(Metric.values().length);
    private final AtomicReferenceArray<Long> gauges = new AtomicReferenceArray<>(Gauge.values().length);
    private final AtomicLongArray fkRetries = new AtomicLongArray(ReferenceColumn.values().length);
    private final AtomicLongArray unbilled = new AtomicLongArray(UnbillableReason.values().length);
    private final AtomicReference<Duration> batchDuration = new AtomicReference<>();
    private final AtomicBoolean flushed = new AtomicBoolean();

    private EmfMetrics(EmfDocuments documents) {
        this.documents = documents;
    }

    /** Metrics on stdout, where Lambda sends them to CloudWatch Logs. */
    @SuppressForbidden("stdout is where Lambda collects the embedded metric format")
    public static MetricsFactory factory(String namespace) {
        return factory(namespace, System.out, Clock.systemUTC());
    }

    /**
     * Metrics written to {@code out}, stamped with {@code clock}'s time at flush.
     *
     * @throws io.billingsnapshot.config.ConfigException naming METRICS_NAMESPACE when CloudWatch
     *     would reject the namespace
     */
    public static MetricsFactory factory(String namespace, PrintStream out, Clock clock) {
        EmfDocuments documents = EmfDocuments.of(namespace, out, clock);
        return () -> new EmfMetrics(documents);
    }

    @Override
    public void count(Metric metric, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(metric.metricName() + " cannot count " + value);
        }
        counts.addAndGet(metric.ordinal(), value);
    }

    @Override
    public void gauge(Gauge gauge, long value) {
        gauges.set(gauge.ordinal(), value);
    }

    @Override
    public void fkRetry(ReferenceColumn column) {
        fkRetries.incrementAndGet(column.ordinal());
    }

    @Override
    public void unbilled(UnbillableReason reason) {
        unbilled.incrementAndGet(reason.ordinal());
    }

    /** The invocation's duration; a second call replaces the first. */
    @Override
    public void batchDuration(Duration duration) {
        batchDuration.set(duration);
    }

    /**
     * Writes everything counted so far. Only the first call writes; later calls and later counts
     * are ignored. Never throws: losing one invocation's metrics must not fail its batch.
     */
    @Override
    public void flush() {
        if (!flushed.compareAndSet(false, true)) {
            return;
        }
        try {
            Instant now = documents.clock().instant();
            writeCounters(now);
            for (ReferenceColumn column : ReferenceColumn.values()) {
                long retries = fkRetries.get(column.ordinal());
                if (retries > 0) {
                    writeWithDimension(now, Metric.FK_RETRIES, Metric.COLUMN_DIMENSION, column.columnName(), retries);
                }
            }
            for (UnbillableReason reason : UnbillableReason.values()) {
                long rows = unbilled.get(reason.ordinal());
                if (rows > 0) {
                    writeWithDimension(now, Metric.UNBILLED_REQUESTS, Metric.REASON_DIMENSION, reason.wireName(), rows);
                }
            }
        } catch (RuntimeException e) {
            LOG.error(LogEvent.METRICS_FLUSH_FAILED, e, "namespace", documents.namespace());
        }
    }

    private void writeCounters(Instant now) {
        MetricsLogger document = document(now).setDimensions(new DimensionSet());
        for (Metric metric : Metric.values()) {
            document.putMetric(metric.metricName(), (double) counts.get(metric.ordinal()), Unit.COUNT);
        }
        for (Gauge gauge : Gauge.values()) {
            Long value = gauges.get(gauge.ordinal());
            if (value != null) {
                document.putMetric(gauge.metricName(), value, gauge.unit());
            }
        }
        Duration duration = batchDuration.get();
        if (duration != null) {
            document.putMetric(Metric.BATCH_DURATION, (double) duration.toMillis(), Unit.MILLISECONDS);
        }
        document.flush();
    }

    /** One counter per dimension value and as the total across values: dimension sets {@code [dimension]} and {@code []}. */
    private void writeWithDimension(Instant now, String metric, String dimension, String value, long count) {
        document(now)
                .setDimensions(DimensionSet.of(dimension, value), new DimensionSet())
                .putMetric(metric, (double) count, Unit.COUNT)
                .flush();
    }

    private MetricsLogger document(Instant now) {
        return documents.document(now);
    }
}
