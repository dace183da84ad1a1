package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.DAY;
import static io.billingsnapshot.rerate.RerateTest.NEW_MODEL;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.rerate.RerateTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.BillingFixture;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A range larger than one call's time: calls continued through {@code next} do what one long call does. */
class RerateContinuationTest {

    /** Every read of the time moves it on a second: a call's time runs out after a few statements. */
    private static final class TickingClock extends Clock {
        private final AtomicLong reads = new AtomicLong();

        @Override
        public Instant instant() {
            return BillingFixture.NOW.plusSeconds(reads.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;

    @Test
    void callsContinuedThroughNextUnderASmallTimeBudgetEqualOneLongCall() {
        for (int i = 0; i < 25; i++) {
            // Several rows share a billed_at: the walk orders them by request id.
            send(billing, i % 3 == 0 ? BillingFixture.MODEL : NEW_MODEL, String.format(Locale.ROOT, "2026-11-30T10:%02d:00Z", i / 4));
        }
        List<QuotaDelta> published = new ArrayList<>(billing.drainDeltas());
        price(billing, NEW_MODEL, 1, 4);
        price(billing, BillingFixture.MODEL, 2.25, 8);
        RerateHandler roomy = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 4);
        Map<String, Object> oneLongCall = RerateFixture.invoke(roomy, "{" + DAY + "}");
        assertThat(oneLongCall).containsEntry("examined", 25L).containsEntry("changed", 25L).containsEntry("next", null);

        List<Map<String, Object>> calls = callsToTheEnd(DAY + ", \"dryRun\": false");

        assertThat(calls).hasSizeGreaterThan(3);
        for (String count : List.of("examined", "changed", "billedNow", "unresolved")) {
            assertThat(calls.stream().mapToLong(call -> (Long) call.get(count)).sum()).as(count)
                    .isEqualTo(oneLongCall.get(count));
        }
        Map<String, BigDecimal> summed = new HashMap<>();
        calls.forEach(call -> RerateFixture.net(call).forEach((key, amount) -> summed.merge(key, amount, BigDecimal::add)));
        summed.values().removeIf(amount -> amount.signum() == 0);
        assertThat(summed).isEqualTo(RerateFixture.net(oneLongCall));
        List<QuotaDelta> rerated = billing.drainDeltas();
        assertThat(rerated).hasSize(25);
        assertThat(RerateFixture.net(rerated)).isEqualTo(RerateFixture.net(oneLongCall));
        published.addAll(rerated);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void aSelectiveRerateContinuedThroughNextChangesEveryMatchingRowOnceThoughMostChunksHoldNone() {
        List<Integer> matching = List.of(2, 3, 17, 18, 19, 29);
        for (int minute = 0; minute < 30; minute++) {
            send(billing, matching.contains(minute) ? NEW_MODEL : BillingFixture.MODEL,
                    String.format(Locale.ROOT, "2026-11-30T10:%02d:00Z", minute));
        }
        List<QuotaDelta> published = new ArrayList<>(billing.drainDeltas());
        price(billing, NEW_MODEL, 1, 4);
        price(billing, BillingFixture.MODEL, 2.25, 8); // a change the filter must leave alone

        List<Map<String, Object>> calls = callsToTheEnd(DAY + ", \"models\": [\"" + NEW_MODEL
                + "\"], \"onlyUnbilled\": true, \"dryRun\": false");

        assertThat(calls).hasSizeGreaterThan(3);
        assertThat(calls).filteredOn(call -> (Long) call.get("examined") == 0 && call.get("next") != null)
                .as("calls that walked rows without a match and went on").isNotEmpty();
        for (String count : List.of("examined", "changed", "billedNow")) {
            assertThat(calls.stream().mapToLong(call -> (Long) call.get(count)).sum()).as(count).isEqualTo(6);
        }
        List<QuotaDelta> rerated = billing.drainDeltas();
        assertThat(rerated).hasSize(6);
        assertThat(rerated.stream().map(QuotaDelta::requestLogId).distinct()).hasSize(6);
        assertThat(billing.count("SELECT count(*) FROM request_billing_snapshots WHERE model = ?"
                + " AND billing_status = 'billed'", NEW_MODEL)).isEqualTo(6);
        published.addAll(rerated);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void theResponseAsLambdaWritesItCarriesNextOnlyWhileThereIsMore() {
        send(billing, NEW_MODEL, "2026-11-30T10:00:00Z");
        send(billing, NEW_MODEL, "2026-11-30T10:01:00Z");
        TickingClock clock = new TickingClock();
        RerateHandler hurried = fixture.handler(clock, 1, Map.of("DEADLINE_RESERVE_MILLIS", "60000"));

        Map<String, Object> first = hurried.handleRequest(RerateFixture.payload("{" + DAY + "}"),
                FakeLambdaContext.startingNow(Duration.ofSeconds(68), clock));
        Map<String, Object> rest = hurried.handleRequest(RerateFixture.payload("{" + DAY + ", \"after\": \""
                + first.get("next") + "\"}"), FakeLambdaContext.startingNow(Duration.ofMinutes(15), clock));

        assertThat(RerateFixture.responseJson(first)).matches(
                "\\{\"examined\":[12],\"changed\":0,\"billedNow\":0,\"unresolved\":0,\"adjustments\":\\[\\],"
                        + "\"next\":\"2026-11-30T10:0[01]:00Z/[0-9a-f-]{36}\"}");
        // Lambda's serializer leaves out null values: a finished range has no "next" at all.
        assertThat(RerateFixture.responseJson(rest))
                .matches("\\{\"examined\":[01],\"changed\":0,\"billedNow\":0,\"unresolved\":0,\"adjustments\":\\[\\]}");
    }

    @Test
    void aCallWithLessTimeThanTheReserveRefusesToStart() {
        send(billing, NEW_MODEL, "2026-11-30T10:00:00Z");
        Clock fixed = Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC);
        RerateHandler handler = fixture.handler(fixed, 1_000);

        assertThatThrownBy(() -> handler.handleRequest(RerateFixture.payload("{" + DAY + "}"),
                FakeLambdaContext.startingNow(Duration.ofSeconds(4), fixed)))
                .isInstanceOf(RerateFailedException.class)
                .hasMessageContaining("less than DEADLINE_RESERVE_MILLIS (5000 ms) left");
    }

    /**
     * Re-rates with {@code fields} under a budget of a few statements a call, each call continuing
     * through the last one's {@code next} until one answers without it.
     */
    private List<Map<String, Object>> callsToTheEnd(String fields) {
        TickingClock clock = new TickingClock();
        RerateHandler hurried = fixture.handler(clock, 4, Map.of("DEADLINE_RESERVE_MILLIS", "60000"));
        List<Map<String, Object>> calls = new ArrayList<>();
        Object next = null;
        do {
            String after = next == null ? "" : ", \"after\": \"" + next + "\"";
            Map<String, Object> report = hurried.handleRequest(RerateFixture.payload("{" + fields + after + "}"),
                    FakeLambdaContext.startingNow(Duration.ofSeconds(70), clock));
            calls.add(report);
            next = report.get("next");
            assertThat(calls).as("calls so far: %s", calls).hasSizeLessThan(30);
        } while (next != null);
        return calls;
    }
}
