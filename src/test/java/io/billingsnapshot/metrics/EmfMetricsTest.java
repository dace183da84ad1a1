package io.billingsnapshot.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.EmfOutput.Datum;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

    // EMF rejects timestamps more than two weeks old, so the fixed time is a recent one.
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final MetricsFactory factory = EmfMetrics.factory(
            "Billing/Test", new PrintStream(captured, true, StandardCharsets.UTF_8), Clock.fixed(now, ZoneOffset.UTC));

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesEveryCounterAsACountWithoutDimensionsInTheConfiguredNamespace() {
        Metrics metrics = factory.newInvocation();
        metrics.count(Metric.MESSAGES_PROCESSED, 25);
        metrics.increment(Metric.SNAPSHOTS_WRITTEN);
        metrics.count(Metric.SNAPSHOTS_WRITTEN, 21);
        metrics.increment(Metric.INVALID_MESSAGES);
        metrics.count(Metric.BATCH_ITEM_FAILURES, 3);
        metrics.increment(Metric.STALE_MESSAGES);
        metrics.count(Metric.DELTAS_PUBLISHED, 19);
        metrics.count(Metric.DELTA_PUBLISH_FAILURES, 2);

        metrics.flush();

        List<Datum> data = EmfOutput.data(output());
        assertThat(data).extracting(Datum::namespace, Datum::name, Datum::unit, Datum::dimensions, Datum::value)
                .containsExactlyInAnyOrder(
                        tuple("Billing/Test", "MessagesProcessed", "Count", Map.of(), 25.0),
                        tuple("Billing/Test", "SnapshotsWritten", "Count", Map.of(), 22.0),
                        tuple("Billing/Test", "InvalidMessages", "Count", Map.of(), 1.0),
                        tuple("Billing/Test", "BatchItemFailures", "Count", Map.of(), 3.0),
                        tuple("Billing/Test", "StaleMessages", "Count", Map.of(), 1.0),
                        tuple("Billing/Test", "DeltasPublished", "Count", Map.of(), 19.0),
                        tuple("Billing/Test", "DeltaPublishFailures", "Count", Map.of(), 2.0),
                        tuple("Billing/Test", "SetSplits", "Count", Map.of(), 0.0));
        assertThat(data).extracting(Datum::timestamp).containsOnly(now.toEpochMilli());
    }

    @Test
    void writesOneDocumentWithOneEmptyDimensionSetWhenNothingWasRetried() {
        factory.newInvocation().flush();

        List<Map<String, Object>> documents = EmfOutput.documents(output());
        assertThat(documents).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> directives = (List<Map<String, Object>>)
                ((Map<String, Object>) documents.get(0).get("_aws")).get("CloudWatchMetrics");
        assertThat(directives).singleElement().satisfies(directive ->
                assertThat(directive.get("Dimensions")).isEqualTo(List.of(List.of())));
    }

    @Test
    void fkRetriesCarryTheColumnDimensionAndATotalWithoutDimensions() {
        Metrics metrics = factory.newInvocation();
        metrics.fkRetry(ReferenceColumn.API_KEY);
        metrics.fkRetry(ReferenceColumn.API_KEY);
        metrics.fkRetry(ReferenceColumn.USER);

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals("FkRetries"))
                .extracting(Datum::namespace, Datum::unit, Datum::dimensions, Datum::value)
                .containsExactlyInAnyOrder(
                        tuple("Billing/Test", "Count", Map.of("Column", "api_key_id"), 2.0),
                        tuple("Billing/Test", "Count", Map.of(), 2.0),
                        tuple("Billing/Test", "Count", Map.of("Column", "user_id"), 1.0),
                        tuple("Billing/Test", "Count", Map.of(), 1.0));
        assertThat(EmfOutput.documents(output())).hasSize(3);
    }

    @Test
    void everyReferenceColumnIsEmittedUnderItsDatabaseColumnName() {
        Metrics metrics = factory.newInvocation();
        Arrays.stream(ReferenceColumn.values()).forEach(metrics::fkRetry);

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.dimensions().containsKey("Column"))
                .extracting(datum -> datum.dimensions().get("Column"))
                .containsExactlyInAnyOrder("api_key_id", "upstream_id", "user_id");
    }

    @Test
    void unbilledRequestsCarryTheReasonDimensionAndATotalWithoutDimensions() {
        Metrics metrics = factory.newInvocation();
        metrics.unbilled(UnbillableReason.PRICE_NOT_FOUND);
        metrics.unbilled(UnbillableReason.PRICE_NOT_FOUND);
        metrics.unbilled(UnbillableReason.MODEL_MISSING);

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals(Metric.UNBILLED_REQUESTS))
                .extracting(Datum::namespace, Datum::unit, Datum::dimensions, Datum::value)
                .containsExactlyInAnyOrder(
                        tuple("Billing/Test", "Count", Map.of("Reason", "price_not_found"), 2.0),
                        tuple("Billing/Test", "Count", Map.of(), 2.0),
                        tuple("Billing/Test", "Count", Map.of("Reason", "model_missing"), 1.0),
                        tuple("Billing/Test", "Count", Map.of(), 1.0));
        assertThat(EmfOutput.documents(output())).hasSize(3);
    }

    @Test
    void everyUnbillableReasonIsEmittedUnderItsWireName() {
        Metrics metrics = factory.newInvocation();
        Arrays.stream(UnbillableReason.values()).forEach(metrics::unbilled);

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.dimensions().containsKey(Metric.REASON_DIMENSION))
                .extracting(datum -> datum.dimensions().get(Metric.REASON_DIMENSION))
                .containsExactlyInAnyOrder("model_missing", "usage_missing", "price_not_found", "price_invalid");
    }

    @Test
    void batchDurationIsWrittenInMilliseconds() {
        Metrics metrics = factory.newInvocation();
        metrics.batchDuration(Duration.ofMillis(1_234));

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals("BatchDuration"))
                .extracting(Datum::unit, Datum::dimensions, Datum::value)
                .containsExactly(tuple("Milliseconds", Map.of(), 1_234.0));
    }

    @Test
    void nothingIsWrittenBeforeFlushAndOnlyTheFirstFlushWrites() {
        Metrics metrics = factory.newInvocation();
        metrics.count(Metric.MESSAGES_PROCESSED, 4);
        assertThat(output()).isEmpty();

        metrics.flush();
        metrics.count(Metric.MESSAGES_PROCESSED, 6);
        metrics.flush();

        assertThat(EmfOutput.documents(output())).hasSize(1);
        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals("MessagesProcessed"))
                .extracting(Datum::value)
                .containsExactly(4.0);
    }

    @Test
    void eachInvocationStartsFromZero() {
        Metrics first = factory.newInvocation();
        first.count(Metric.MESSAGES_PROCESSED, 10);
        first.flush();

        Metrics second = factory.newInvocation();
        second.count(Metric.MESSAGES_PROCESSED, 3);
        second.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals("MessagesProcessed"))
                .extracting(Datum::value)
                .containsExactly(10.0, 3.0);
    }

    @Test
    void countsFromParallelWorkersAreNotLost() throws InterruptedException {
        Metrics metrics = factory.newInvocation();
        Thread[] workers = new Thread[8];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(() -> {
                for (int n = 0; n < 1_000; n++) {
                    metrics.increment(Metric.MESSAGES_PROCESSED);
                    metrics.fkRetry(ReferenceColumn.UPSTREAM);
                }
            });
            workers[i].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .filteredOn(datum -> datum.name().equals("MessagesProcessed")
                        || datum.dimensions().equals(Map.of("Column", "upstream_id")))
                .extracting(Datum::value)
                .containsOnly(8_000.0);
    }

    @Test
    void theInvocationsRequestIdIsAPropertyOfTheDocument() {
        Metrics metrics = factory.newInvocation();
        try (var scope = JsonLog.withRequestId("c6af9ac6-7b61-11e6-9a41-93e812345678")) {
            metrics.flush();
        }

        assertThat(EmfOutput.documents(output()))
                .extracting(document -> document.get("requestId"))
                .containsExactly("c6af9ac6-7b61-11e6-9a41-93e812345678");
    }

    @Test
    void writesTheOutboxGaugesWithTheirUnitsWhenTheyWereMeasured() {
        Metrics metrics = factory.newInvocation();
        metrics.outbox(7, Duration.ofSeconds(95), 2);

        metrics.flush();

        assertThat(EmfOutput.data(output()))
                .extracting(Datum::name, Datum::unit, Datum::dimensions, Datum::value)
                .contains(tuple("OutboxPending", "Count", Map.of(), 7.0),
                        tuple("OutboxOldestAgeSeconds", "Seconds", Map.of(), 95.0),
                        tuple("OutboxQuarantined", "Count", Map.of(), 2.0));
    }

    @Test
    void writesNoOutboxGaugeWhenTheOutboxWasNotReadNotEvenAZero() {
        factory.newInvocation().flush();

        assertThat(EmfOutput.data(output())).extracting(Datum::name)
                .contains("MessagesProcessed")
                .doesNotContain("OutboxPending", "OutboxOldestAgeSeconds", "OutboxQuarantined");
    }

    @Test
    void aNegativeCountIsRejectedAsAProgrammingError() {
        Metrics metrics = factory.newInvocation();

        assertThatThrownBy(() -> metrics.count(Metric.DELTAS_PUBLISHED, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DeltasPublished");
    }

    @Test
    void aNamespaceCloudWatchWouldRejectFailsAtStartNamingTheVariable() {
        assertThatThrownBy(() -> EmfMetrics.factory("billing snapshot!"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_NAMESPACE")
                .hasMessageContaining("billing snapshot!");
    }
}
