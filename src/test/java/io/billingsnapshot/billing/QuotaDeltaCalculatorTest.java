package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment.Scope;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class QuotaDeltaCalculatorTest {

    private static final UUID KEY = UUID.fromString("11111111-1111-1111-1111-111111111111");
    private static final UUID OTHER_KEY = UUID.fromString("22222222-2222-2222-2222-222222222222");
    private static final UUID UPSTREAM = UUID.fromString("33333333-3333-3333-3333-333333333333");
    private static final Instant EARLIER = Instant.parse("2026-05-23T05:00:00Z");
    private static final Instant LATER = Instant.parse("2026-05-23T05:01:00Z");

    private static BilledAmount billed(UUID apiKey, UUID upstream, double cost) {
        return new BilledAmount(apiKey, upstream, BillingStatus.BILLED, cost, LATER);
    }

    private static BilledAmount unbilled(UUID apiKey, UUID upstream) {
        return new BilledAmount(apiKey, upstream, BillingStatus.UNBILLED, null, LATER);
    }

    private static Optional<BilledAmount> previouslyBilled(UUID apiKey, UUID upstream, double cost) {
        return Optional.of(new BilledAmount(apiKey, upstream, BillingStatus.BILLED, cost, EARLIER));
    }

    private static Adjustment apiKey(UUID id, String amount) {
        return new Adjustment(Scope.API_KEY, id, new BigDecimal(amount));
    }

    private static Adjustment upstream(UUID id, String amount) {
        return new Adjustment(Scope.UPSTREAM, id, new BigDecimal(amount));
    }

    @Test
    void firstBilledRowChargesItsApiKeyAndUpstream() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(Optional.empty(), billed(KEY, UPSTREAM, 0.0195));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.0195000000"), upstream(UPSTREAM, "0.0195000000"));
    }

    @Test
    void repricingUpChargesOnlyTheDifference() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.5),
                billed(KEY, UPSTREAM, 0.75));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.2500000000"), upstream(UPSTREAM, "0.2500000000"));
    }

    @Test
    void repricingDownRefundsTheDifference() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.75),
                billed(KEY, UPSTREAM, 0.5));

        assertThat(adjustments).containsExactly(apiKey(KEY, "-0.2500000000"), upstream(UPSTREAM, "-0.2500000000"));
    }

    @Test
    void billedRowRewrittenAsUnbilledRefundsTheWholeCost() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.5),
                unbilled(KEY, UPSTREAM));

        assertThat(adjustments).containsExactly(apiKey(KEY, "-0.5000000000"), upstream(UPSTREAM, "-0.5000000000"));
    }

    @Test
    void unbilledRowRewrittenAsBilledChargesTheWholeCost() {
        Optional<BilledAmount> previous = Optional.of(
                new BilledAmount(KEY, UPSTREAM, BillingStatus.UNBILLED, null, EARLIER));

        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previous, billed(KEY, UPSTREAM, 0.5));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.5000000000"), upstream(UPSTREAM, "0.5000000000"));
    }

    @Test
    void unbilledAndZeroCostRowsChargeNothing() {
        assertThat(QuotaDeltaCalculator.adjustments(Optional.empty(), unbilled(KEY, UPSTREAM))).isEmpty();
        assertThat(QuotaDeltaCalculator.adjustments(Optional.empty(), billed(KEY, UPSTREAM, 0.0))).isEmpty();
        assertThat(QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.0), billed(KEY, UPSTREAM, 0.0)))
                .isEmpty();
    }

    @Test
    void changedApiKeyMovesTheCostBetweenKeysAndLeavesTheUpstreamAlone() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(OTHER_KEY, UPSTREAM, 0.5),
                billed(KEY, UPSTREAM, 0.5));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.5000000000"), apiKey(OTHER_KEY, "-0.5000000000"));
    }

    @Test
    void apiKeySetNullByTheForeignKeyRetryGetsNothing() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(Optional.empty(), billed(null, UPSTREAM, 0.5));

        assertThat(adjustments).containsExactly(upstream(UPSTREAM, "0.5000000000"));
    }

    @Test
    void apiKeySetNullOnRewriteRefundsThePreviousKeyOnly() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.5),
                billed(null, UPSTREAM, 0.5));

        assertThat(adjustments).containsExactly(apiKey(KEY, "-0.5000000000"));
    }

    @Test
    void redeliveryOfTheSameMessageYieldsNoAdjustment() {
        BilledAmount written = billed(KEY, UPSTREAM, 0.1234567891);

        assertThat(QuotaDeltaCalculator.adjustments(Optional.of(written), written)).isEmpty();
    }

    @Test
    void sameIdAsApiKeyAndAsUpstreamStaysTwoSeparateScopes() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(Optional.empty(), billed(KEY, KEY, 0.5));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.5000000000"), upstream(KEY, "0.5000000000"));
    }

    @Test
    void apiKeysComeBeforeUpstreamsAndIdsSortByTheirTextEvenWithTheHighBitSet() {
        // UUID.compareTo would put the f... id first: it compares signed longs.
        UUID low = UUID.fromString("0fffffff-ffff-ffff-ffff-ffffffffffff");
        UUID high = UUID.fromString("f0000000-0000-0000-0000-000000000000");

        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(high, low, 0.5),
                billed(low, high, 0.25));

        assertThat(adjustments).containsExactly(
                apiKey(low, "0.2500000000"), apiKey(high, "-0.5000000000"),
                upstream(low, "-0.5000000000"), upstream(high, "0.2500000000"));
    }

    @Test
    void netIsExactDecimalSoThreeTenthsMinusOneTenthIsTwoTenths() {
        // In double, 0.3 - 0.1 is 0.19999999999999998.
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, null, 0.1),
                billed(KEY, null, 0.3));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.2000000000"));
    }

    @Test
    void previousUnroundedCostIsNettedThenRoundedHalfUp() {
        // A gateway-written row may hold more than 10 decimals.
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, null, 0.12345678905),
                unbilled(KEY, null));

        assertThat(adjustments).containsExactly(apiKey(KEY, "-0.1234567891"));
    }

    @Test
    void netIsRoundedOnceAfterNettingNotEachCostBeforehand() {
        // 3e-10 - 1.5e-10 = 1.5e-10 rounds to 2e-10; rounding the previous cost first would give 1e-10.
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, null, 1.5E-10),
                billed(KEY, null, 3.0E-10));

        assertThat(adjustments).containsExactly(apiKey(KEY, "0.0000000002"));
    }

    @Test
    void netThatRoundsToZeroIsDropped() {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.50000000001),
                billed(KEY, UPSTREAM, 0.5));

        assertThat(adjustments).isEmpty();
    }

    @Test
    void theNetOfManyDeltasIsPerScopeAndIdRoundedWithZerosDropped() {
        List<Adjustment> net = QuotaDeltaCalculator.net(List.of(
                upstream(UPSTREAM, "0.5"), apiKey(OTHER_KEY, "0.25"), apiKey(KEY, "0.00000000004"),
                apiKey(OTHER_KEY, "-0.25"), apiKey(KEY, "0.00000000001"), upstream(UPSTREAM, "-0.1")));

        // OTHER_KEY nets to zero and is dropped; KEY's 0.00000000005 rounds half up.
        assertThat(net).containsExactly(apiKey(KEY, "0.0000000001"), upstream(UPSTREAM, "0.4000000000"));
    }

    @Test
    void nettingANetAgainWithTheNextDeltaEqualsNettingEverythingAtOnce() {
        List<Adjustment> first = QuotaDeltaCalculator.adjustments(previouslyBilled(KEY, UPSTREAM, 0.1), billed(KEY, UPSTREAM, 0.35));
        List<Adjustment> second = QuotaDeltaCalculator.adjustments(Optional.empty(), billed(OTHER_KEY, UPSTREAM, 1.0000000001));
        List<Adjustment> running = new java.util.ArrayList<>(QuotaDeltaCalculator.net(first));
        running.addAll(second);
        List<Adjustment> all = new java.util.ArrayList<>(first);
        all.addAll(second);

        assertThat(QuotaDeltaCalculator.net(running)).isEqualTo(QuotaDeltaCalculator.net(all))
                .containsExactly(apiKey(KEY, "0.2500000000"), apiKey(OTHER_KEY, "1.0000000001"),
                        upstream(UPSTREAM, "1.2500000001"));
    }

    @Test
    void nothingNetsToNothing() {
        assertThat(QuotaDeltaCalculator.net(List.of())).isEmpty();
    }
}
