package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.environment;
import static io.billingsnapshot.template.BillingStack.proxy;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.EmfOutput;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The alarms watch metrics that exist: the code's, in its namespace and dimensions, or AWS's. */
class TemplateAlarmsTest {

    // Not the default, so an alarm with a hard-coded namespace cannot pass by coincidence.
    private static final String NAMESPACE = "Billing/Alarmed";
    private static final CfnEvaluator STACK = DeployedStack.evaluator(TEMPLATE, Map.of("MetricsNamespace", NAMESPACE));

    /** An alarm's metric as CloudWatch identifies it. */
    record Watched(String namespace, String metricName, Map<String, String> dimensions) {
    }

    private static List<Watched> alarms() {
        return TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream().map(id -> {
            Map<String, Object> alarm = TEMPLATE.properties(id);
            Map<String, String> dimensions = new LinkedHashMap<>();
            for (Object dimension : (List<?>) STACK.evaluate(alarm.getOrDefault("Dimensions", List.of()))) {
                Map<?, ?> pair = (Map<?, ?>) dimension;
                dimensions.put((String) pair.get("Name"), (String) pair.get("Value"));
            }
            return new Watched(STACK.string(alarm.get("Namespace")), (String) alarm.get("MetricName"), dimensions);
        }).toList();
    }

    /** Every metric one invocation can emit, by running the real EmfMetrics with everything counted. */
    private static Set<Watched> emitted(String namespace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Metrics metrics = EmfMetrics.factory(namespace, new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.systemUTC()).newInvocation();
        for (Metric metric : Metric.values()) {
            metrics.increment(metric);
        }
        for (ReferenceColumn column : ReferenceColumn.values()) {
            metrics.fkRetry(column);
        }
        metrics.outbox(1, Duration.ofSeconds(1), 1);
        metrics.batchDuration(Duration.ofMillis(1));
        metrics.flush();
        return EmfOutput.data(out.toString(StandardCharsets.UTF_8)).stream()
                .map(datum -> new Watched(datum.namespace(), datum.name(), datum.dimensions()))
                .collect(Collectors.toSet());
    }

    @Test
    void theFunctionEmitsIntoTheNamespaceTheAlarmsParameterNames() {
        assertThat(STACK.string(environment().get(EnvVars.METRICS_NAMESPACE))).isEqualTo(NAMESPACE);
    }

    @Test
    void everyAlarmOnACustomNamespaceWatchesAMetricTheCodeEmitsWithTheSameDimensions() {
        String functionNamespace = STACK.string(environment().get(EnvVars.METRICS_NAMESPACE));
        Set<Watched> emitted = emitted(functionNamespace);

        assertThat(alarms()).allSatisfy(alarm -> {
            if (!alarm.namespace().startsWith("AWS/")) {
                assertThat(emitted).as("metrics the code emits").contains(alarm);
            }
        });
    }

    @Test
    void theFkRetryMetricIsWatchedForEveryColumn() {
        assertThat(alarms()).filteredOn(alarm -> alarm.metricName().equals(Metric.FK_RETRIES))
                .extracting(Watched::namespace, alarm -> alarm.dimensions().get(Metric.COLUMN_DIMENSION))
                .containsExactlyInAnyOrder(
                        tuple(NAMESPACE, "api_key_id"), tuple(NAMESPACE, "upstream_id"), tuple(NAMESPACE, "user_id"));
    }

    @Test
    void theAlarmsTheRunbookDescribesExistOnTheRightResources() {
        CfnEvaluator stack = STACK;
        String functionName = stack.string(CfnTemplate.Fn.ref(FUNCTION));

        assertThat(alarms()).contains(
                new Watched(NAMESPACE, Metric.BATCH_ITEM_FAILURES.metricName(), Map.of()),
                new Watched("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                        Map.of("QueueName", stack.string(CfnTemplate.Fn.getAtt(deadLetterQueue(), "QueueName")))),
                new Watched("AWS/SQS", "ApproximateAgeOfOldestMessage",
                        Map.of("QueueName", stack.string(CfnTemplate.Fn.getAtt(sourceQueue(), "QueueName")))),
                new Watched("AWS/Lambda", "Errors", Map.of("FunctionName", functionName)),
                new Watched("AWS/Lambda", "Throttles", Map.of("FunctionName", functionName)),
                new Watched("AWS/RDS", "DatabaseConnectionsCurrentlySessionPinned",
                        Map.of("ProxyName", stack.string(CfnTemplate.Fn.ref(proxy())))));
    }

    @Test
    void theOldestPendingDeltaAndTheQuarantinedDeltasAreAlarmedAndTheirMissingDataKeepsTheState() {
        assertThat(alarms()).contains(
                new Watched(NAMESPACE, Gauge.OUTBOX_OLDEST_AGE_SECONDS.metricName(), Map.of()),
                new Watched(NAMESPACE, Gauge.OUTBOX_QUARANTINED.metricName(), Map.of()));
        for (String id : List.of("OldestPendingDeltaAlarm", "QuarantinedDeltasAlarm")) {
            assertThat(TEMPLATE.properties(id)).as(id)
                    .containsEntry("TreatMissingData", "ignore") // not emitted when unknown: no false OK
                    .containsEntry("Statistic", "Maximum");
        }
        assertThat(STACK.string(TEMPLATE.properties("QuarantinedDeltasAlarm").get("Threshold"))).isEqualTo("0");
    }

    @Test
    void everyAlarmNotifiesTheAlarmTopic() {
        for (boolean createTopic : List.of(true, false)) {
            CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE,
                    createTopic ? Map.of() : Map.of("AlarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:oncall"));
            String topic = createTopic ? stack.string(CfnTemplate.Fn.ref("AlarmTopic"))
                    : "arn:aws:sns:eu-west-1:123456789012:oncall";

            assertThat(TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")).allSatisfy(id ->
                    assertThat(stack.evaluate(TEMPLATE.properties(id).get("AlarmActions"))).as(id)
                            .isEqualTo(List.of(topic)));
        }
    }
}
