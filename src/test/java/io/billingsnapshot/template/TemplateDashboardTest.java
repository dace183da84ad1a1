package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.RERATE_FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.CloudWatchDashboard.EVERY_VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.template.CfnTemplate.Fn;
import io.billingsnapshot.template.CloudWatchDashboard.Graphed;
import io.billingsnapshot.template.CloudWatchDashboard.Row;
import io.billingsnapshot.template.CloudWatchDashboard.Widget;
import io.billingsnapshot.template.CodeMetrics.MetricId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in template.yaml shows what the code emits: every metric and dimension a widget
 * names is one the code emits (from its own names, {@link CodeMetrics}), every alarm of the stack
 * is on it, in the row of its metric, and the rows hold what an operator needs, in the order the
 * data flows. The negative controls below show that a renamed metric, dimension or alarm fails.
 */
class TemplateDashboardTest {

    // Not the defaults, so a hard-coded namespace or threshold cannot pass by coincidence.
    private static final String NAMESPACE = "Billing/Dashboard";
    private static final CfnEvaluator STACK = DeployedStack.evaluator(TEMPLATE, Map.of(
            "MetricsNamespace", NAMESPACE,
            "OldestMessageAgeAlarmSeconds", "1201",
            "BatchItemFailureAlarmThreshold", "11",
            "FkRetryAlarmThreshold", "26",
            "PriceNotFoundAlarmThreshold", "3",
            "OldestPendingDeltaAlarmSeconds", "301"));

    private static final String DASHBOARD = TEMPLATE.onlyResourceOfType("AWS::CloudWatch::Dashboard");

    private static String body() {
        return STACK.string(TEMPLATE.properties(DASHBOARD).get("DashboardBody"));
    }

    private static Map<String, MetricId> alarmsByArn() {
        Map<String, MetricId> alarms = new LinkedHashMap<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            alarms.put(STACK.string(Fn.getAtt(id, "Arn")), TemplateAlarmsTest.watched(STACK, id));
        }
        return alarms;
    }

    /**
     * What on the dashboard names a metric of the function's namespace the code does not emit
     * (name, dimension or dimension value), or leaves an alarm of the stack out: empty when all is well.
     */
    static List<String> problems(CloudWatchDashboard dashboard, Set<MetricId> emitted, Set<String> stackAlarms) {
        List<String> problems = new ArrayList<>();
        for (Widget widget : dashboard.ofType("metric")) {
            for (Graphed line : CloudWatchDashboard.graphed(widget)) {
                if (line.namespace().startsWith("AWS/")) {
                    continue; // AWS's own metrics: the rows test names each one
                }
                if (emitted.stream().noneMatch(metric -> graphs(List.of(line), metric))) {
                    problems.add("widget '" + widget.properties().get("title") + "' graphs " + line.namespace() + " "
                            + line.metricName() + " " + line.dimensions() + ", which the code does not emit");
                }
            }
        }
        List<String> shown = dashboard.ofType("alarm").stream().flatMap(w -> CloudWatchDashboard.alarms(w).stream())
                .toList();
        for (String alarm : stackAlarms) {
            if (!shown.contains(alarm)) {
                problems.add("alarm " + alarm + " is on no alarm widget");
            }
        }
        for (String alarm : shown) {
            if (!stackAlarms.contains(alarm)) {
                problems.add("an alarm widget shows " + alarm + ", which is not an alarm of the stack");
            }
        }
        if (new HashSet<>(shown).size() != shown.size()) {
            problems.add("an alarm is shown twice: " + shown);
        }
        return problems;
    }

    private static boolean sameDimensions(Map<String, String> graphed, Map<String, String> emitted) {
        return graphed.keySet().equals(emitted.keySet()) && graphed.entrySet().stream()
                .allMatch(d -> d.getValue().equals(EVERY_VALUE) || d.getValue().equals(emitted.get(d.getKey())));
    }

    @Test
    void everyMetricTheDashboardNamesIsOneTheCodeEmitsAndEveryAlarmOfTheStackIsOnIt() {
        CloudWatchDashboard dashboard = CloudWatchDashboard.parse(body());

        assertThat(problems(dashboard, CodeMetrics.emitted(NAMESPACE), alarmsByArn().keySet())).isEmpty();
        assertThat(alarmsByArn()).isNotEmpty();
    }

    // ---- negative controls: the check above fails for each kind of drift

    @Test
    void aMetricRenamedOnTheDashboardFailsTheCheck() {
        CloudWatchDashboard renamed = CloudWatchDashboard.parse(body()
                .replace("\"" + Gauge.OUTBOX_QUARANTINED.metricName() + "\"", "\"OutboxQuarantine\""));

        assertThat(problems(renamed, CodeMetrics.emitted(NAMESPACE), alarmsByArn().keySet()))
                .singleElement().asString().contains("OutboxQuarantine {}, which the code does not emit");
    }

    @Test
    void aMetricRenamedInTheCodeFailsTheCheck() {
        // As if Gauge.OUTBOX_QUARANTINED were renamed to "QuarantinedDeltas": the code would emit this set.
        Set<MetricId> emittedAfterRename = CodeMetrics.emitted(NAMESPACE).stream()
                .map(m -> m.metricName().equals(Gauge.OUTBOX_QUARANTINED.metricName())
                        ? new MetricId(m.namespace(), "QuarantinedDeltas", m.dimensions()) : m)
                .collect(Collectors.toSet());

        assertThat(problems(CloudWatchDashboard.parse(body()), emittedAfterRename, alarmsByArn().keySet()))
                .singleElement().asString().contains("OutboxQuarantined {}, which the code does not emit");
    }

    @Test
    void aRenamedDimensionOrDimensionValueOrNamespaceFailsTheCheck() {
        String body = body();
        String wrongColumn = body.replace("\"api_key_id\"", "\"api_key\"");
        String wrongReasonKey = body.replace("\",Reason}", "\",UnbillableReason}");
        String wrongNamespace = body.replace("\"" + NAMESPACE + "\", \"StaleMessages\"",
                "\"BillingSnapshot\", \"StaleMessages\"");
        assertThat(List.of(wrongColumn, wrongReasonKey, wrongNamespace)).doesNotContain(body);

        for (String drifted : List.of(wrongColumn, wrongReasonKey, wrongNamespace)) {
            assertThat(problems(CloudWatchDashboard.parse(drifted), CodeMetrics.emitted(NAMESPACE),
                    alarmsByArn().keySet())).hasSize(1);
        }
    }

    @Test
    void anAlarmMissingFromTheDashboardFailsTheCheck() {
        String priceNotFound = STACK.string(Fn.getAtt("PriceNotFoundAlarm", "Arn"));
        String without = body().replace("\"" + priceNotFound + "\", ", "");
        assertThat(without).doesNotContain(priceNotFound);

        assertThat(problems(CloudWatchDashboard.parse(without), CodeMetrics.emitted(NAMESPACE), alarmsByArn().keySet()))
                .containsExactly("alarm " + priceNotFound + " is on no alarm widget");
    }

    // ---- what the rows hold

    private static Graphed code(String metric, String stat) {
        return new Graphed(NAMESPACE, metric, Map.of(), stat);
    }

    private static Graphed queue(String metric, String queue) {
        return new Graphed("AWS/SQS", metric, Map.of("QueueName", STACK.string(Fn.getAtt(queue, "QueueName"))),
                "Maximum");
    }

    private static Graphed lambda(String metric, String function, String stat) {
        return new Graphed("AWS/Lambda", metric, Map.of("FunctionName", STACK.string(Fn.ref(function))), stat);
    }

    private static List<Graphed> graphed(List<Widget> metricWidgets) {
        return metricWidgets.stream().flatMap(widget -> CloudWatchDashboard.graphed(widget).stream()).toList();
    }

    private static List<Graphed> graphed(Row row) {
        return graphed(row.ofType("metric"));
    }

    @Test
    void theRowsFollowTheDataAndHoldWhatAnOperatorNeeds() {
        List<Row> rows = CloudWatchDashboard.parse(body()).rows();

        assertThat(rows).extracting(Row::name).containsExactly("Intake", "Money", "Delivery", "The function", "Re-rating");
        // BatchItemFailures carries no dimension: the failure reasons are in the logs (runbook).
        assertThat(graphed(rows.get(0))).containsExactlyInAnyOrder(
                queue("ApproximateNumberOfMessagesVisible", sourceQueue()),
                queue("ApproximateAgeOfOldestMessage", sourceQueue()),
                code(Metric.MESSAGES_PROCESSED.metricName(), "Sum"),
                code(Metric.INVALID_MESSAGES.metricName(), "Sum"),
                code(Metric.STALE_MESSAGES.metricName(), "Sum"),
                code(Metric.BATCH_ITEM_FAILURES.metricName(), "Sum"));
        List<Graphed> money = new ArrayList<>(List.of(
                code(Metric.SNAPSHOTS_WRITTEN.metricName(), "Sum"),
                new Graphed(NAMESPACE, Metric.UNBILLED_REQUESTS, Map.of(Metric.REASON_DIMENSION, EVERY_VALUE), "Sum")));
        for (ReferenceColumn column : ReferenceColumn.values()) {
            money.add(new Graphed(NAMESPACE, Metric.FK_RETRIES, Map.of(Metric.COLUMN_DIMENSION, column.columnName()),
                    "Sum"));
        }
        assertThat(graphed(rows.get(1))).containsExactlyInAnyOrderElementsOf(money);
        assertThat(graphed(rows.get(2))).containsExactlyInAnyOrder(
                code(Metric.DELTAS_PUBLISHED.metricName(), "Sum"),
                code(Metric.DELTA_PUBLISH_FAILURES.metricName(), "Sum"),
                code(Gauge.OUTBOX_PENDING.metricName(), "Maximum"),
                code(Gauge.OUTBOX_OLDEST_AGE_SECONDS.metricName(), "Maximum"),
                code(Gauge.OUTBOX_QUARANTINED.metricName(), "Maximum"),
                queue("ApproximateNumberOfMessagesVisible", deadLetterQueue()));
        assertThat(graphed(rows.get(3))).containsExactlyInAnyOrder(
                lambda("Duration", FUNCTION, "p50"),
                lambda("Duration", FUNCTION, "p99"),
                lambda("Errors", FUNCTION, "Sum"),
                lambda("Throttles", FUNCTION, "Sum"),
                lambda("ConcurrentExecutions", FUNCTION, "Maximum"));
        assertThat(rows.get(3).ofType("log")).hasSize(1); // the SnapStart restore duration, below
        assertThat(graphed(rows.get(4))).containsExactlyInAnyOrder(
                code(RerateMetrics.ROWS_EXAMINED, "Sum"),
                code(RerateMetrics.ROWS_CHANGED, "Sum"),
                code(RerateMetrics.AMOUNT_CORRECTED, "Sum"),
                lambda("Errors", RERATE_FUNCTION, "Sum"));
        assertThat(rows).allSatisfy(row -> assertThat(row.widgets()).allSatisfy(widget ->
                assertThat(widget.type()).as(row.name()).isIn("metric", "log", "alarm")));
    }

    @Test
    void eachAlarmIsShownInTheRowThatGraphsItsMetricAndEachRowShowsItsAlarmsOnce() {
        Map<String, MetricId> alarms = alarmsByArn();
        List<Graphed> everywhere = graphed(CloudWatchDashboard.parse(body()).ofType("metric"));

        for (Row row : CloudWatchDashboard.parse(body()).rows()) {
            assertThat(row.ofType("alarm")).as(row.name()).hasSizeLessThanOrEqualTo(1);
            for (Widget widget : row.ofType("alarm")) {
                for (String arn : CloudWatchDashboard.alarms(widget)) {
                    MetricId watched = alarms.get(arn);
                    if (graphs(everywhere, watched)) { // the proxy's pinning is alarmed, not graphed
                        assertThat(graphs(graphed(row), watched))
                                .as("%s is shown in row %s, which graphs its metric %s", arn, row.name(), watched).isTrue();
                    }
                }
            }
        }
    }

    /** Whether one of {@code lines} draws {@code metric} (a SEARCH line draws every value of its dimensions). */
    private static boolean graphs(List<Graphed> lines, MetricId metric) {
        return lines.stream().anyMatch(line -> line.namespace().equals(metric.namespace())
                && line.metricName().equals(metric.metricName())
                && sameDimensions(line.dimensions(), metric.dimensions()));
    }

    @Test
    void everyThresholdLineIsTheThresholdOfAnAlarmOnAMetricOfItsWidget() {
        int lines = 0;

        for (Widget widget : CloudWatchDashboard.parse(body()).ofType("metric")) {
            List<Double> thresholds = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                    .filter(id -> graphs(CloudWatchDashboard.graphed(widget), TemplateAlarmsTest.watched(STACK, id)))
                    .map(id -> Double.valueOf(STACK.string(TEMPLATE.properties(id).get("Threshold"))))
                    .toList();
            for (double value : CloudWatchDashboard.thresholdLines(widget)) {
                lines++;
                assertThat(thresholds).as("thresholds of alarms on '%s'", widget.properties().get("title")).contains(value);
            }
        }
        assertThat(lines).isPositive();
    }

    @Test
    void theRestoreDurationWidgetReadsTheRestoreDurationOfLambdasReportLines() {
        Widget log = CloudWatchDashboard.parse(body()).ofType("log").get(0);
        String query = (String) log.properties().get("query");
        String logGroup = STACK.string(map(function().get("LoggingConfig")).get("LogGroup"));
        Matcher parse = Pattern.compile("parse @message /(.+?)/ \\|").matcher(query);
        assertThat(parse.find()).as(query).isTrue();
        Pattern restore = Pattern.compile(parse.group(1)); // Logs Insights and Java share the named-group syntax

        // As Lambda writes them (docs.aws.amazon.com/lambda/latest/dg/snapstart-monitoring.html): the
        // first invocation of a restored environment, then a warm one.
        String restored = "REPORT RequestId: 6f2a4b1e-0000-4000-8000-000000000001\tDuration: 41.17 ms\t"
                + "Billed Duration: 42 ms\tMemory Size: 1024 MB\tMax Memory Used: 160 MB\t"
                + "Restore Duration: 575.47 ms\tBilled Restore Duration: 213 ms\t";
        String warm = "REPORT RequestId: 6f2a4b1e-0000-4000-8000-000000000002\tDuration: 8.56 ms\t"
                + "Billed Duration: 9 ms\tMemory Size: 1024 MB\tMax Memory Used: 161 MB\t";
        Matcher restoredMatch = restore.matcher(restored);

        assertThat(query).startsWith("SOURCE '" + logGroup + "' |").contains("filter @type = \"REPORT\"")
                .contains("stats ").contains("restoreMs");
        assertThat(restoredMatch.find()).isTrue();
        assertThat(restoredMatch.group("restoreMs")).isEqualTo("575.47");
        assertThat(restore.matcher(warm).find()).isFalse();
        assertThat(log.properties()).containsEntry("region", DeployedStack.REGION);
    }

    @Test
    void widgetsStayInsideTheGridWithoutOverlapping() {
        List<Widget> widgets = CloudWatchDashboard.parse(body()).widgets();

        for (Widget a : widgets) {
            assertThat(a.x() + a.width()).as("%s", a.properties().get("title")).isLessThanOrEqualTo(24);
            for (Widget b : widgets) {
                boolean overlap = a != b && a.x() < b.x() + b.width() && b.x() < a.x() + a.width()
                        && a.y() < b.y() + b.height() && b.y() < a.y() + a.height();
                assertThat(overlap).as("%s overlaps %s", a.properties(), b.properties()).isFalse();
            }
        }
    }

    @Test
    void theRunbookAndTheReadmeNameEachAlarmWithTheRowThatShowsIt() throws IOException {
        Map<String, String> alarmIds = new LinkedHashMap<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            alarmIds.put(STACK.string(Fn.getAtt(id, "Arn")), id);
        }
        List<String> runbook = Files.readAllLines(Path.of("docs/operations.md"));
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int named = 0;

        for (Row row : CloudWatchDashboard.parse(body()).rows()) {
            for (Widget widget : row.ofType("alarm")) {
                for (String arn : CloudWatchDashboard.alarms(widget)) {
                    String alarm = "`" + alarmIds.get(arn) + "`";
                    assertThat(runbook.stream().anyMatch(line -> line.startsWith("| " + row.name() + " |")
                            && line.contains(alarm))).as("docs/operations.md's dashboard table: %s in row %s", alarm,
                            row.name()).isTrue();
                    assertThat(readme.stream().anyMatch(line -> line.startsWith("| `") && line.contains(alarm)
                            && line.contains("| " + row.name() + " |"))).as("README's alarm table: %s in row %s", alarm,
                            row.name()).isTrue();
                    named++;
                }
            }
        }
        assertThat(named).isEqualTo(alarmIds.size());
    }

    @Test
    void theDashboardIsNamedAfterTheStackAndAnOutputLinksToIt() {
        Map<String, Object> url = map(TEMPLATE.section("Outputs").get("DashboardUrl"));

        assertThat(STACK.string(TEMPLATE.properties(DASHBOARD).get("DashboardName"))).isEqualTo(DeployedStack.STACK);
        assertThat(STACK.string(url.get("Value"))).isEqualTo("https://console.aws.amazon.com/cloudwatch/home"
                + "?region=eu-west-1#dashboards:name=" + DeployedStack.STACK);
    }
}
