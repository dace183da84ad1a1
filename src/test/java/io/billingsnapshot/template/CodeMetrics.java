package io.billingsnapshot.template;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.EmfOutput;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.RerateMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every metric the code emits, as CloudWatch identifies it (namespace, name, dimensions), taken
 * from the code itself: the real EMF writers run with everything counted, so a renamed enum
 * constant, dimension or wire name changes what this returns, and an alarm or a dashboard widget
 * still naming the old one no longer matches.
 */
final class CodeMetrics {

    /** A metric as CloudWatch identifies it. */
    record MetricId(String namespace, String metricName, Map<String, String> dimensions) {

        MetricId {
            dimensions = Map.copyOf(dimensions);
        }
    }

    private CodeMetrics() {
    }

    static Set<MetricId> emitted(String namespace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Metrics metrics = EmfMetrics.factory(namespace, print, Clock.systemUTC()).newInvocation();
        for (Metric metric : Metric.values()) {
            metrics.increment(metric);
        }
        for (ReferenceColumn column : ReferenceColumn.values()) {
            metrics.fkRetry(column);
        }
        for (UnbillableReason reason : UnbillableReason.values()) {
            metrics.unbilled(reason);
        }
        metrics.outbox(1, Duration.ofSeconds(1), 1);
        metrics.batchDuration(Duration.ofMillis(1));
        metrics.flush();
        RerateMetrics.emf(namespace, print, Clock.systemUTC()).write(1, 1, BigDecimal.ONE);

        Set<MetricId> emitted = new HashSet<>();
        EmfOutput.data(out.toString(StandardCharsets.UTF_8))
                .forEach(datum -> emitted.add(new MetricId(datum.namespace(), datum.name(), datum.dimensions())));
        return emitted;
    }
}
