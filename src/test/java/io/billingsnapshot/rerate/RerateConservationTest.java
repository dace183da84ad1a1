package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.DAY;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages and re-rates interleaved at random (new requests, redeliveries, newer and stale
 * versions, models priced late, prices corrected up and down, upstream multipliers changed,
 * re-rates of every kind): after each round the deltas published so far add up, per API key and
 * upstream, to what the billed snapshots charge.
 */
class RerateConservationTest {

    private static final String[] MODELS = {BillingFixture.MODEL, "claude-sonnet-4", "late-model"};

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;

    @Test
    void publishedDeltasOfMessagesAndReratesAddUpToTheBilledCosts() {
        Random random = new Random(20261201);
        BillingSnapshotHandler messages = billing.handler();
        RerateHandler rerate = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 3);
        price(billing, "claude-sonnet-4", 3, 15);
        List<Request> requests = new ArrayList<>();
        List<String> models = new ArrayList<>();
        List<QuotaDelta> published = new ArrayList<>();
        long reratedRows = 0;
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < 6; i++) {
                boolean fresh = requests.isEmpty() || random.nextInt(3) > 0;
                int index = fresh ? requests.size() : random.nextInt(requests.size());
                if (fresh) {
                    requests.add(billing.request());
                    models.add(MODELS[random.nextInt(MODELS.length)]);
                }
                Instant billedAt = Instant.parse("2026-11-30T10:00:00Z").plusSeconds(random.nextInt(3_600));
                String body = requests.get(index).body(1 + random.nextInt(2_000_000), random.nextInt(500_000),
                        billedAt.toString()).replace("\"model\":\"gpt-4o\"", "\"model\":\"" + models.get(index) + "\"");
                messages.handleRequest(event(record("m" + round + "-" + i, body)), null);
            }
            switch (random.nextInt(4)) {
                case 0 -> price(billing, "late-model", 0.5 + random.nextInt(4), 2 + random.nextInt(8));
                case 1 -> price(billing, BillingFixture.MODEL, 1 + random.nextInt(4), 8);
                case 2 -> billing.db.execute("UPDATE upstreams SET billing_input_multiplier = ? WHERE id = ?",
                        0.5 + random.nextInt(3) * 0.25, requests.get(random.nextInt(requests.size())).upstreamId());
                default -> billing.db.execute("UPDATE billing_model_prices SET is_active = NOT is_active WHERE model = ?",
                        MODELS[random.nextInt(MODELS.length)]);
            }
            String filter = switch (random.nextInt(3)) {
                case 0 -> "";
                case 1 -> ", \"onlyUnbilled\": true";
                default -> ", \"models\": [\"" + MODELS[random.nextInt(MODELS.length)] + "\"]";
            };
            Map<String, Object> report = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false" + filter + "}");
            reratedRows += (Long) report.get("changed");
            published.addAll(billing.drainDeltas()); // the round's messages' deltas and the re-rate's

            assertThat(RerateFixture.net(published)).as("round %d", round).isEqualTo(fixture.billedCosts());
            assertThat(fixture.outboxRows()).isZero();
        }
        assertThat(reratedRows).as("re-rates that changed something").isGreaterThan(10);
    }
}
