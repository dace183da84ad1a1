package io.billingsnapshot.rerate;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Re-rating against the real PostgreSQL and SQS: what it changes, what it publishes, what it leaves alone. */
class RerateTest {

    static final String NEW_MODEL = "new-model";
    static final String DAY = "\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\"";

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;
    private final RerateHandler rerate = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 1_000);
    /** Every delta published so far, by messages and re-rates alike. */
    private final List<QuotaDelta> published = new ArrayList<>();

    /** A request of {@code model} billed through the message path: 1M prompt and 1M completion tokens. */
    static Request send(BillingFixture billing, String model, String billedAt) {
        Request request = billing.request();
        String body = request.body(billedAt).replace("\"model\":\"gpt-4o\"", "\"model\":\"" + model + "\"");
        assertThat(BillingFixture.failedIds(billing.handler().handleRequest(event(record(UUID.randomUUID().toString(),
                body)), null))).isEmpty();
        return request;
    }

    private Request send(String model, String billedAt) {
        return send(billing, model, billedAt);
    }

    private List<QuotaDelta> drain() {
        List<QuotaDelta> deltas = billing.drainDeltas();
        published.addAll(deltas);
        return deltas;
    }

    static void price(BillingFixture billing, String model, double input, double output) {
        billing.db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                VALUES (?, ?, ?, 'litellm')
                ON CONFLICT (model, source) DO UPDATE SET input_price_per_million = EXCLUDED.input_price_per_million,
                    output_price_per_million = EXCLUDED.output_price_per_million""", model, input, output);
    }

    private static String key(String scope, UUID id) {
        return scope + ":" + id;
    }

    @Test
    void unbilledRowsAreBilledOnceTheirPriceExists() {
        Request first = send(NEW_MODEL, "2026-11-30T10:00:00Z");
        Request second = send(NEW_MODEL, "2026-11-30T10:05:00Z");
        send(BillingFixture.MODEL, "2026-11-30T10:10:00Z");
        drain();
        assertThat(billing.snapshotColumn(first.requestLogId(), "unbillable_reason")).isEqualTo("price_not_found");
        price(billing, NEW_MODEL, 1, 4); // $1 + $4 for each request

        Map<String, Object> report = RerateFixture.invoke(rerate,
                "{" + DAY + ", \"models\": [\"new-model\"], \"onlyUnbilled\": true, \"dryRun\": false}");

        assertThat(report).containsEntry("examined", 2L).containsEntry("changed", 2L).containsEntry("billedNow", 2L)
                .containsEntry("unresolved", 0L).containsEntry("next", null);
        assertThat(RerateFixture.net(report)).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", first.apiKeyId()), new BigDecimal("5"), key("upstream", first.upstreamId()), new BigDecimal("5"),
                key("api_key", second.apiKeyId()), new BigDecimal("5"), key("upstream", second.upstreamId()), new BigDecimal("5")));
        assertThat(billing.snapshotColumn(first.requestLogId(), "billing_status")).isEqualTo("billed");
        assertThat(billing.snapshotColumn(first.requestLogId(), "unbillable_reason")).isNull();
        assertThat(billing.snapshotColumn(first.requestLogId(), "final_cost")).isEqualTo(5.0);
        assertThat(billing.snapshotColumn(first.requestLogId(), "prompt_tokens")).isEqualTo(1_000_000);
        List<QuotaDelta> deltas = drain();
        assertThat(deltas).extracting(QuotaDelta::requestLogId)
                .containsExactlyInAnyOrder(first.requestLogId(), second.requestLogId());
        assertThat(RerateFixture.net(deltas)).isEqualTo(RerateFixture.net(report));
        assertThat(fixture.outboxRows()).isZero();
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void aPriceCorrectionOnOneModelIsRepricedAloneAndCorrectsQuotaByTheDifference() {
        price(billing, "claude-sonnet-4", 3, 15);
        Request gpt = send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        Request claude = send("claude-sonnet-4", "2026-11-30T10:01:00Z");
        drain();
        price(billing, BillingFixture.MODEL, 2.5, 8); // the sync had 2 instead of 2.5
        Map<String, Object> claudeBefore = row(claude);

        Map<String, Object> otherModel = RerateFixture.invoke(rerate,
                "{" + DAY + ", \"models\": [\"claude-sonnet-4\"], \"dryRun\": false}");
        Map<String, Object> corrected = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        assertThat(otherModel).containsEntry("examined", 1L).containsEntry("changed", 0L);
        assertThat(corrected).containsEntry("examined", 2L).containsEntry("changed", 1L).containsEntry("billedNow", 0L);
        assertThat(RerateFixture.net(corrected)).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", gpt.apiKeyId()), new BigDecimal("0.5"), key("upstream", gpt.upstreamId()), new BigDecimal("0.5")));
        assertThat(billing.snapshotColumn(gpt.requestLogId(), "final_cost")).isEqualTo(10.5);
        assertThat(billing.snapshotColumn(gpt.requestLogId(), "base_input_price_per_million")).isEqualTo(2.5);
        assertThat(row(claude)).isEqualTo(claudeBefore);
        assertThat(drain()).singleElement().satisfies(d -> assertThat(d.requestLogId()).isEqualTo(gpt.requestLogId()));
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void aDryRunReportsWhatTheRunThenDoesAndWritesAndPublishesNothing() {
        Request unbilled = send(NEW_MODEL, "2026-11-30T09:00:00Z");
        Request corrected = send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        Request unresolved = send("gone-model", "2026-11-30T11:00:00Z");
        price(billing, "gone-model", 1, 1);
        assertThat(RerateFixture.invoke(rerate, "{" + DAY + ", \"models\": [\"gone-model\"], \"dryRun\": false}"))
                .containsEntry("billedNow", 1L);
        drain();
        price(billing, NEW_MODEL, 1, 4);
        price(billing, BillingFixture.MODEL, 3, 8);
        billing.db.execute("UPDATE billing_model_prices SET is_active = false WHERE model = 'gone-model'");
        List<Map<String, Object>> before = fixture.snapshotTable();
        fixture.emf.reset();

        Map<String, Object> dryRun = RerateFixture.invoke(rerate, "{" + DAY + "}");

        assertThat(fixture.snapshotTable()).isEqualTo(before);
        assertThat(fixture.outboxRows()).isZero();
        assertThat(drain()).isEmpty();
        assertThat(fixture.emf.toString(StandardCharsets.UTF_8)).as("a dry run emits no metrics").doesNotContain("RerateRowsChanged");

        Map<String, Object> run = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        assertThat(run).isEqualTo(dryRun);
        assertThat(run).containsEntry("examined", 3L).containsEntry("changed", 2L).containsEntry("billedNow", 1L)
                .containsEntry("unresolved", 1L);
        assertThat(RerateFixture.net(run)).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", unbilled.apiKeyId()), new BigDecimal("5"), key("upstream", unbilled.upstreamId()), new BigDecimal("5"),
                key("api_key", corrected.apiKeyId()), new BigDecimal("1"), key("upstream", corrected.upstreamId()), new BigDecimal("1")));
        // The billed row whose price is gone is left billed, at its old price.
        assertThat(billing.snapshotColumn(unresolved.requestLogId(), "billing_status")).isEqualTo("billed");
        assertThat(billing.snapshotColumn(unresolved.requestLogId(), "final_cost")).isEqualTo(2.0);
        assertThat(RerateFixture.net(drain())).isEqualTo(RerateFixture.net(run));
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void aBilledRowWhosePriceTurnedNegativeIsLeftAsItIsAndItsChargeIsNotRefunded() {
        Request billed = send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        Request multiplied = send(BillingFixture.MODEL, "2026-11-30T10:01:00Z");
        Request unpriced = send(NEW_MODEL, "2026-11-30T10:02:00Z");
        drain();
        price(billing, BillingFixture.MODEL, 2, -20); // a broken sync
        price(billing, NEW_MODEL, 1, -4);
        billing.db.execute("UPDATE upstreams SET billing_input_multiplier = -1 WHERE id = ?", multiplied.upstreamId());
        List<Map<String, Object>> before = fixture.snapshotTable();

        Map<String, Object> run = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        assertThat(run).containsEntry("examined", 3L).containsEntry("unresolved", 2L).containsEntry("billedNow", 0L)
                .containsEntry("adjustments", List.of());
        List<Map<String, Object>> after = fixture.snapshotTable();
        assertThat(after.stream().filter(row -> !unpriced.requestLogId().equals(row.get("request_log_id"))))
                .as("both billed rows untouched").containsExactlyInAnyOrderElementsOf(before.stream()
                        .filter(row -> !unpriced.requestLogId().equals(row.get("request_log_id"))).toList());
        assertThat(billing.snapshotColumn(billed.requestLogId(), "final_cost")).isEqualTo(10.0);
        // The unbilled row now says why it is still free; it charges nothing either way.
        assertThat(run).containsEntry("changed", 1L);
        assertThat(billing.snapshotColumn(unpriced.requestLogId(), "unbillable_reason")).isEqualTo("price_invalid");
        assertThat(drain()).isEmpty();
        assertThat(fixture.outboxRows()).isZero();
    }

    @Test
    void aSecondRunOverAnUnchangedCatalogChangesAndPublishesNothing() {
        send(NEW_MODEL, "2026-11-30T09:00:00Z");
        send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        price(billing, NEW_MODEL, 1, 4);
        price(billing, BillingFixture.MODEL, 3, 8);
        assertThat(RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}")).containsEntry("changed", 2L);
        drain();
        List<Map<String, Object>> before = fixture.snapshotTable();

        Map<String, Object> again = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        assertThat(again).containsEntry("examined", 2L).containsEntry("changed", 0L).containsEntry("billedNow", 0L)
                .containsEntry("adjustments", List.of());
        assertThat(fixture.snapshotTable()).isEqualTo(before);
        assertThat(drain()).isEmpty();
    }

    @Test
    void theRangeIsFromInclusiveToExclusiveAndOnlyUnbilledSkipsBilledRows() {
        Request atFrom = send(NEW_MODEL, "2026-11-30T00:00:00Z");
        Request atTo = send(NEW_MODEL, "2026-11-30T11:00:00Z");
        Request billed = send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        price(billing, NEW_MODEL, 1, 4);
        price(billing, BillingFixture.MODEL, 3, 8);

        Map<String, Object> report = RerateFixture.invoke(rerate, "{\"from\": \"2026-11-30T00:00:00Z\","
                + " \"to\": \"2026-11-30T11:00:00Z\", \"onlyUnbilled\": true, \"dryRun\": false}");

        assertThat(report).containsEntry("examined", 1L).containsEntry("changed", 1L);
        assertThat(billing.snapshotColumn(atFrom.requestLogId(), "billing_status")).isEqualTo("billed");
        assertThat(billing.snapshotColumn(atTo.requestLogId(), "billing_status")).isEqualTo("unbilled");
        assertThat(billing.snapshotColumn(billed.requestLogId(), "final_cost")).isEqualTo(10.0);
    }

    @Test
    void aRealRunEmitsRowsExaminedAndChangedAndTheNetAmountCorrected() throws Exception {
        send(NEW_MODEL, "2026-11-30T09:00:00Z");
        send(BillingFixture.MODEL, "2026-11-30T10:00:00Z");
        price(billing, NEW_MODEL, 1, 4);

        RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        var document = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fixture.emf.toString(StandardCharsets.UTF_8).strip());
        assertThat(document.get("RerateRowsExamined").asLong()).isEqualTo(2);
        assertThat(document.get("RerateRowsChanged").asLong()).isEqualTo(1);
        assertThat(document.get("RerateAmountCorrected").asDouble()).isEqualTo(5.0);
        assertThat(document.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("BillingSnapshotTest");
    }

    private Map<String, Object> row(Request request) {
        return fixture.snapshotTable().stream()
                .filter(r -> request.requestLogId().equals(r.get("request_log_id"))).findFirst().orElseThrow();
    }
}
