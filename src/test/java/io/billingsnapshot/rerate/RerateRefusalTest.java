package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.NEW_MODEL;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.rerate.RerateTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.testing.BillingFixture;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of bad request, as Lambda hands the payload over, refused with a message naming the
 * field, with a run's worth of work waiting: nothing is written, published or counted. (Each
 * field's every wrong value is in RerateRequestParserTest.)
 */
class RerateRefusalTest {

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();

    @Test
    void aBadRequestIsRefusedBeforeAnythingIsDone() {
        BillingFixture billing = fixture.billing;
        send(billing, NEW_MODEL, "2026-11-30T10:00:00Z");
        billing.drainDeltas();
        price(billing, NEW_MODEL, 1, 4);
        RerateHandler rerate = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 1_000);
        List<Map<String, Object>> before = fixture.snapshotTable();
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("{\"dryRun\": false}", "'from' is required"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"dryRun\": false}", "'to' is required"),
                Map.entry("{\"from\": \"2026-12-01T00:00:00Z\", \"to\": \"2026-11-30T00:00:00Z\", \"dryRun\": false}",
                        "'from' (2026-12-01T00:00:00Z) must be before 'to' (2026-11-30T00:00:00Z)"),
                Map.entry("{\"from\": \"2026-10-01T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false}",
                        "is longer than 31 days"),
                Map.entry("{\"from\": \"30/11/2026\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false}",
                        "'from' must be an ISO-8601 instant"),
                Map.entry("{\"from\": 1796000000, \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false}",
                        "'from' must be a string"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": \"false\"}",
                        "'dryRun' must be true or false"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false,"
                        + " \"onlyUnbilled\": 1}", "'onlyUnbilled' must be true or false"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false,"
                        + " \"models\": \"new-model\"}", "'models' must be a list"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dryRun\": false,"
                        + " \"after\": 7}", "'after' must be the 'next' of an earlier call"),
                Map.entry("{\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\", \"dry_run\": false}",
                        "unknown field 'dry_run'"));

        refusals.forEach((payload, message) -> assertThatThrownBy(() -> RerateFixture.invoke(rerate, payload))
                .as(payload)
                .isInstanceOf(InvalidRerateRequestException.class)
                .hasMessageStartingWith("invalid re-rate request: ")
                .hasMessageContaining(message));
        assertThatThrownBy(() -> rerate.handleRequest(null, null)).isInstanceOf(InvalidRerateRequestException.class);

        assertThat(fixture.snapshotTable()).isEqualTo(before);
        assertThat(fixture.outboxRows()).isZero();
        assertThat(billing.drainDeltas()).isEmpty();
        assertThat(fixture.emf.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
