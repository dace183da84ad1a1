package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.environment;
import static io.billingsnapshot.template.BillingStack.proxy;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.template.CodeMetrics.MetricId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The alarms watch metrics that exist: the code's, in its namespace and dimensions, or AWS's. */
class TemplateAlarmsTest {

    // Not the default, so an alarm with a hard-coded namespace cannot pass by coincidence.
    private static final String NAMESPACE = "Billing/Alarmed";
    private static final CfnEvaluator STACK = DeployedStack.evaluator(TEMPLATE, Map.of("MetricsNamespace", NAMESPACE));

    private static List<MetricId> alarms() {
        return TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream().map(id -> watched(STACK, id)).toList();
    }

    private static MetricId watched(String alarmId) {
        return watched(STACK, alarmId);
    }

    /** The metric an alarm of the template watches, as deployed by {@code stack}. */
    static MetricId watched(CfnEvaluator stack, String alarmId) {
        Map<String, Object> alarm = TEMPLATE.properties(alarmId);
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (Object dimension : (List<?>) stack.evaluate(alarm.getOrDefault("Dimensions", List.of()))) {
            Map<?, ?> pair = (Map<?, ?>) dimension;
            dimensions.put((String) pair.get("Name"), (String) pair.get("Value"));
        }
        return new MetricId(stack.string(alarm.get("Namespace")), (String) alarm.get("MetricName"), dimensions);
    }

    @Test
    void theFunctionEmitsIntoTheNamespaceTheAlarmsParameterNames() {
        assertThat(STACK.string(environment().get(EnvVars.METRICS_NAMESPACE))).isEqualTo(NAMESPACE);
    }

    @Test
    void everyAlarmOnACustomNamespaceWatchesAMetricTheCodeEmitsWithTheSameDimensions() {
        String functionNamespace = STACK.string(environment().get(EnvVars.METRICS_NAMESPACE));
        Set<MetricId> emitted = CodeMetrics.emitted(functionNamespace);

        assertThat(alarms()).allSatisfy(alarm -> {
            if (!alarm.namespace().startsWith("AWS/")) {
                assertThat(emitted).as("metrics the code emits").contains(alarm);
            }
        });
    }

    @Test
    void theFkRetryMetricIsWatchedForEveryColumn() {
        assertThat(alarms()).filteredOn(alarm -> alarm.metricName().equals(Metric.FK_RETRIES))
                .extracting(MetricId::namespace, alarm -> alarm.dimensions().get(Metric.COLUMN_DIMENSION))
                .containsExactlyInAnyOrder(
                        tuple(NAMESPACE, "api_key_id"), tuple(NAMESPACE, "upstream_id"), tuple(NAMESPACE, "user_id"));
    }

    @Test
    void theAlarmsTheRunbookDescribesExistOnTheRightResources() {
        CfnEvaluator stack = STACK;
        String functionName = stack.string(CfnTemplate.Fn.ref(FUNCTION));

        assertThat(alarms()).contains(
                new MetricId(NAMESPACE, Metric.BATCH_ITEM_FAILURES.metricName(), Map.of()),
                new MetricId("AWS/SQS", "ApproximateNumberOfMessagesVisible",
                        Map.of("QueueName", stack.string(CfnTemplate.Fn.getAtt(deadLetterQueue(), "QueueName")))),
                new MetricId("AWS/SQS", "ApproximateAgeOfOldestMessage",
                        Map.of("QueueName", stack.string(CfnTemplate.Fn.getAtt(sourceQueue(), "QueueName")))),
                new MetricId("AWS/Lambda", "Errors", Map.of("FunctionName", functionName)),
                new MetricId("AWS/Lambda", "Throttles", Map.of("FunctionName", functionName)),
                new MetricId("AWS/RDS", "DatabaseConnectionsCurrentlySessionPinned",
                        Map.of("ProxyName", stack.string(CfnTemplate.Fn.ref(proxy())))));
    }

    @Test
    void anUnknownOutboxRaisesThePendingDeltaAlarmAndKeepsTheQuarantineAlarmsState() {
        String pending = alarmOn(new MetricId(NAMESPACE, Gauge.OUTBOX_OLDEST_AGE_SECONDS.metricName(), Map.of()));
        String quarantined = alarmOn(new MetricId(NAMESPACE, Gauge.OUTBOX_QUARANTINED.metricName(), Map.of()));

        // Neither gauge is emitted when the outbox cannot be read (SPEC §9): for the pending age
        // that is a backlog nobody can see, so it counts as breaching; a quarantine stays as it was.
        assertThat(TEMPLATE.properties(pending)).containsEntry("TreatMissingData", "breaching")
                .containsEntry("Statistic", "Maximum");
        assertThat(TEMPLATE.properties(quarantined)).containsEntry("TreatMissingData", "ignore")
                .containsEntry("Statistic", "Maximum");
        assertThat(STACK.string(TEMPLATE.properties(quarantined).get("Threshold"))).isEqualTo("0");
    }

    @Test
    void freeUsageIsAlarmedOnTheUnpricedReasonWithAThresholdTheOperatorSets() {
        String alarm = alarmOn(new MetricId(NAMESPACE, Metric.UNBILLED_REQUESTS,
                Map.of(Metric.REASON_DIMENSION, UnbillableReason.PRICE_NOT_FOUND.wireName())));
        Map<String, Object> properties = TEMPLATE.properties(alarm);

        assertThat(properties).containsEntry("Statistic", "Sum").containsEntry("TreatMissingData", "notBreaching")
                .containsEntry("ComparisonOperator", "GreaterThanThreshold");
        assertThat(properties.get("Threshold")).isEqualTo(CfnTemplate.Fn.ref("PriceNotFoundAlarmThreshold"));
        assertThat(STACK.string(properties.get("Threshold"))).as("the first unpriced request alarms by default")
                .isEqualTo("0");
        assertThat(DeployedStack.evaluator(TEMPLATE, Map.of("PriceNotFoundAlarmThreshold", "25"))
                .string(properties.get("Threshold"))).isEqualTo("25");
    }

    @Test
    void aPriceTheFunctionRefusesToBillAlarmsAtOnce() {
        String alarm = alarmOn(new MetricId(NAMESPACE, Metric.UNBILLED_REQUESTS,
                Map.of(Metric.REASON_DIMENSION, UnbillableReason.PRICE_INVALID.wireName())));
        Map<String, Object> properties = TEMPLATE.properties(alarm);

        assertThat(properties).containsEntry("Statistic", "Sum").containsEntry("TreatMissingData", "notBreaching")
                .containsEntry("ComparisonOperator", "GreaterThanThreshold");
        assertThat(STACK.string(properties.get("Threshold"))).as("a negative price is a broken sync, never normal")
                .isEqualTo("0");
    }

    /** The one alarm watching {@code metric}. */
    private static String alarmOn(MetricId metric) {
        List<String> watching = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                .filter(id -> watched(id).equals(metric)).toList();
        assertThat(watching).as("alarms on %s", metric).hasSize(1);
        return watching.get(0);
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
