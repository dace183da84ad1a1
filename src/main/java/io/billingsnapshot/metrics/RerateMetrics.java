package io.billingsnapshot.metrics;

import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.logging.SuppressForbidden;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The metrics of one re-rate call, one EMF document without dimensions, in the billing
 * function's namespace. Kept apart from {@link EmfMetrics}, which writes every billing counter on
 * every invocation: re-rate counters would add a zero to every billing invocation.
 */
public final class RerateMetrics {

    public static final String ROWS_EXAMINED = "RerateRowsExamined";
    public static final String ROWS_CHANGED = "RerateRowsChanged";
    /** The net of new minus old costs of the rows changed, in the snapshots' currency (USD); may be negative. */
    public static final String AMOUNT_CORRECTED = "RerateAmountCorrected";

    private static final JsonLog LOG = JsonLog.get(RerateMetrics.class);

    private final EmfDocuments documents;

    private RerateMetrics(EmfDocuments documents) {
        this.documents = documents;
    }

    /** Metrics on stdout, where Lambda sends them to CloudWatch Logs. */
    @SuppressForbidden("stdout is where Lambda collects the embedded metric format")
    public static RerateMetrics emf(String namespace) {
        return emf(namespace, System.out, Clock.systemUTC());
    }

    /** @throws io.billingsnapshot.config.ConfigException naming METRICS_NAMESPACE when CloudWatch would reject it */
    public static RerateMetrics emf(String namespace, PrintStream out, Clock clock) {
        return new RerateMetrics(EmfDocuments.of(namespace, out, clock));
    }

    /** Writes one call's figures. Never throws: losing a call's metrics must not fail the call. */
    public void write(long rowsExamined, long rowsChanged, BigDecimal amountCorrected) {
        try {
            documents.document(documents.clock().instant()).setDimensions(new DimensionSet())
                    .putMetric(ROWS_EXAMINED, (double) rowsExamined, Unit.COUNT)
                    .putMetric(ROWS_CHANGED, (double) rowsChanged, Unit.COUNT)
                    .putMetric(AMOUNT_CORRECTED, amountCorrected.doubleValue(), Unit.NONE)
                    .flush();
        } catch (RuntimeException e) {
            LOG.error(LogEvent.METRICS_FLUSH_FAILED, e, "namespace", documents.namespace());
        }
    }
}
