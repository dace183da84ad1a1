package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.EmfOutput;
import io.billingsnapshot.metrics.EmfOutput.Datum;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage that is written but charged nothing is counted, through the real handler on the real
 * database, in the EMF the real {@link EmfMetrics} writes: {@code UnbilledRequests} by
 * {@code Reason}, one per unbilled row written. And prices that cannot be billed at (negative,
 * NaN, infinite, a negative multiplier) give an unbilled {@code price_invalid} row and no delta.
 */
class FreeUsageTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();
    private final ByteArrayOutputStream emf = new ByteArrayOutputStream();
    // EMF refuses timestamps more than two weeks old: the metrics keep the real clock, the function the fixture's.
    private final BillingSnapshotHandler handler = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC),
            EmfMetrics.factory("Billing/Test", new PrintStream(emf, true, StandardCharsets.UTF_8), Clock.systemUTC()));

    /** The message of a fresh request with this model (a JSON literal: {@code null} or a quoted string). */
    private String bodyWithModel(String modelJson) {
        return fixture.request().body(BILLED_AT).replace("\"model\":\"gpt-4o\"", "\"model\":" + modelJson);
    }

    private List<Datum> unbilledRequests() {
        return EmfOutput.data(emf.toString(StandardCharsets.UTF_8)).stream()
                .filter(datum -> datum.name().equals(Metric.UNBILLED_REQUESTS)).toList();
    }

    @Test
    void aBatchOfFreeUsageEmitsUnbilledRequestsByReason() {
        fixture.db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                VALUES ('credit-model', 2, -20, 'litellm')""");

        SQSBatchResponse response = handler.handleRequest(event(
                record("unknown", bodyWithModel("\"model-nobody-priced\"")),
                record("mis-cased", bodyWithModel("\"GPT-4o\"")),
                record("zero-width-space", bodyWithModel("\"gpt-4o\\u200b\"")),
                record("no-model", bodyWithModel("null")),
                record("negative-price", bodyWithModel("\"credit-model\"")),
                record("billed", bodyWithModel("\"gpt-4o\""))), null);

        assertThat(failedIds(response)).isEmpty();
        assertThat(unbilledRequests()).extracting(Datum::dimensions, Datum::value).containsExactlyInAnyOrder(
                tuple(Map.of("Reason", "price_not_found"), 3.0), tuple(Map.of(), 3.0),
                tuple(Map.of("Reason", "model_missing"), 1.0), tuple(Map.of(), 1.0),
                tuple(Map.of("Reason", "price_invalid"), 1.0), tuple(Map.of(), 1.0));
        assertThat(unbilledRequests()).extracting(Datum::namespace, Datum::unit).containsOnly(tuple("Billing/Test", "Count"));
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots WHERE billing_status = 'unbilled'"))
                .as("one per unbilled row written").isEqualTo(5);
    }

    @Test
    void aStaleMessageAndAFailedRecordEmitNothing() {
        Request request = fixture.request();
        String unpriced = request.body(BILLED_AT).replace("\"model\":\"gpt-4o\"", "\"model\":\"model-nobody-priced\"");
        handler.handleRequest(event(record("first", unpriced)), null);
        emf.reset();

        SQSBatchResponse response = handler.handleRequest(event(
                record("stale", unpriced.replace(BILLED_AT, "2026-11-30T10:00:00Z")),
                record("no-request-log", new Request(UUID.randomUUID(), null, null, null).body(BILLED_AT)
                        .replace("\"model\":\"gpt-4o\"", "\"model\":null")),
                record("not-json", "{")), null);

        assertThat(failedIds(response)).containsExactlyInAnyOrder("no-request-log", "not-json");
        assertThat(EmfOutput.data(emf.toString(StandardCharsets.UTF_8)))
                .filteredOn(datum -> datum.name().equals(Metric.STALE_MESSAGES.metricName())).extracting(Datum::value).containsExactly(1.0);
        assertThat(unbilledRequests()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-20", "'NaN'", "'Infinity'", "'-Infinity'"})
    void aCatalogPriceThatIsNegativeOrNotFiniteGivesAnUnbilledRowAndNoDelta(String outputPrice) {
        fixture.db.execute("UPDATE billing_model_prices SET output_price_per_million = " + outputPrice
                + " WHERE model = 'gpt-4o'");
        Request request = fixture.request();

        SQSBatchResponse response = handler.handleRequest(event(record("m", request.body(BILLED_AT)),
                record("other", fixture.request().body(BILLED_AT))), null);

        assertThat(failedIds(response)).isEmpty();
        assertUnbilledPriceInvalid(request);
        assertThat(fixture.drainDeltas()).isEmpty();
        assertThat(unbilledRequests()).extracting(Datum::dimensions, Datum::value)
                .containsExactlyInAnyOrder(tuple(Map.of("Reason", "price_invalid"), 2.0), tuple(Map.of(), 2.0));
    }

    @Test
    void aNegativeUpstreamMultiplierGivesAnUnbilledRowAndNoDelta() {
        Request request = fixture.request();
        fixture.db.execute("UPDATE upstreams SET billing_output_multiplier = -1 WHERE id = ?", request.upstreamId());

        handler.handleRequest(event(record("m", request.body(BILLED_AT))), null);

        assertUnbilledPriceInvalid(request);
        assertThat(fixture.drainDeltas()).isEmpty();
        assertThat(unbilledRequests()).extracting(Datum::dimensions, Datum::value)
                .containsExactlyInAnyOrder(tuple(Map.of("Reason", "price_invalid"), 1.0), tuple(Map.of(), 1.0));
    }

    @Test
    void aFreeModelIsBilledAtZeroWithoutADelta() {
        fixture.db.execute("""
                UPDATE billing_model_prices SET input_price_per_million = 0, output_price_per_million = 0
                WHERE model = 'gpt-4o'""");
        Request request = fixture.request();

        handler.handleRequest(event(record("m", request.body(BILLED_AT))), null);

        assertThat(fixture.snapshotColumn(request.requestLogId(), "billing_status")).isEqualTo("billed");
        assertThat(fixture.snapshotColumn(request.requestLogId(), "final_cost")).isEqualTo(0.0);
        assertThat(fixture.drainDeltas()).isEmpty();
        assertThat(unbilledRequests()).isEmpty();
    }

    private void assertUnbilledPriceInvalid(Request request) {
        assertThat(fixture.snapshotColumn(request.requestLogId(), "billing_status")).isEqualTo("unbilled");
        assertThat(fixture.snapshotColumn(request.requestLogId(), "unbillable_reason")).isEqualTo("price_invalid");
        for (String column : List.of("final_cost", "cache_read_cost", "base_output_price_per_million",
                "output_multiplier", "price_source")) {
            assertThat(fixture.snapshotColumn(request.requestLogId(), column)).as(column).isNull();
        }
    }
}
