package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.message.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotCalculatorTest {

    private static final UUID REQUEST_LOG_ID = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final References RECONCILED = new References(
            UUID.fromString("00000000-0000-0000-0000-0000000000a1"),
            UUID.fromString("00000000-0000-0000-0000-0000000000b1"),
            UUID.fromString("00000000-0000-0000-0000-0000000000c1"));
    private static final Instant BILLED_AT = Instant.parse("2026-05-23T05:00:00Z");
    private static final int MAX = Integer.MAX_VALUE;

    private static final Prices STANDARD = new Prices(3.0, 15.0, 0.3, 3.75);
    private static final ModelCatalog CATALOG = flatCatalog(STANDARD);

    private static ModelCatalog flatCatalog(Prices prices) {
        return new ModelCatalog(List.of(), List.of(), Optional.empty(),
                Optional.of(new CatalogPrice(prices, null, null, null, null, 200_000, 64_000)));
    }

    private static RequestCompletion message(String model, ServiceTier requested, ServiceTier effective,
            Usage usage) {
        // The message's own ids differ from RECONCILED: the snapshot must carry the reconciled ones.
        return new RequestCompletion(REQUEST_LOG_ID, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                model, requested, effective, usage, BILLED_AT);
    }

    private static RequestCompletion message(String model, Usage usage) {
        return message(model, ServiceTier.STANDARD, ServiceTier.STANDARD, usage);
    }

    private static Usage usage(int prompt, int completion, int total, int cacheRead, int cacheWrite) {
        return new Usage(prompt, completion, total, cacheRead, cacheWrite);
    }

    // ---- billed rows ----

    @Test
    void billedRowCarriesResolvedPriceMultipliersTokensAndCosts() {
        RequestCompletion message = message("claude-sonnet-4-5", usage(1_000, 500, 1_500, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, CATALOG, new Multipliers(1.5, 2.0));

        assertThat(s.requestLogId()).isEqualTo(REQUEST_LOG_ID);
        assertThat(s.references()).isEqualTo(RECONCILED);
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(s.requestedServiceTier()).isEqualTo("standard");
        assertThat(s.effectiveServiceTier()).isEqualTo("standard");
        assertThat(s.billingStatus()).isEqualTo(BillingStatus.BILLED);
        assertThat(s.unbillableReason()).isNull();
        assertThat(s.priceSource()).isEqualTo("litellm");
        assertThat(s.matchedRuleType()).isEqualTo("flat");
        assertThat(s.matchedRuleDisplayLabel()).isNull();
        assertThat(s.appliedTierThreshold()).isNull();
        assertThat(s.baseInputPricePerMillion()).isEqualTo(3.0);
        assertThat(s.baseOutputPricePerMillion()).isEqualTo(15.0);
        assertThat(s.baseCacheReadInputPricePerMillion()).isEqualTo(0.3);
        assertThat(s.baseCacheWriteInputPricePerMillion()).isEqualTo(3.75);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
        assertThat(s.modelMaxOutputTokens()).isEqualTo(64_000);
        assertThat(s.inputMultiplier()).isEqualTo(1.5);
        assertThat(s.outputMultiplier()).isEqualTo(2.0);
        assertThat(s.promptTokens()).isEqualTo(1_000);
        assertThat(s.completionTokens()).isEqualTo(500);
        assertThat(s.totalTokens()).isEqualTo(1_500);
        assertThat(s.cacheReadTokens()).isZero();
        assertThat(s.cacheWriteTokens()).isZero();
        assertThat(s.cacheReadCost()).isEqualTo(0.0);
        assertThat(s.cacheWriteCost()).isEqualTo(0.0);
        // 1000/1e6 * 3 * 1.5 + 500/1e6 * 15 * 2 = 0.0045 + 0.015
        assertThat(s.finalCost()).isEqualTo(0.0195);
        assertThat(s.currency()).isEqualTo("USD");
        assertThat(s.billedAt()).isEqualTo(BILLED_AT);
    }

    @Test
    void inputMultiplierAppliesToInputAndCacheCostsAndOutputMultiplierToOutput() {
        RequestCompletion message = message("gpt-4o", usage(1_000_000, 100_000, 0, 200_000, 100_000));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, flatCatalog(new Prices(2.0, 10.0, 1.0, 4.0)),
                new Multipliers(1.5, 3.0));

        // billed input 700k: 0.7*2*1.5=2.1; output 0.1*10*3=3.0; read 0.2*1*1.5=0.3; write 0.1*4*1.5=0.6
        assertThat(s.promptTokens()).isEqualTo(700_000);
        assertThat(s.totalTokens()).isEqualTo(1_100_000);
        assertThat(s.cacheReadCost()).isEqualTo(0.3);
        assertThat(s.cacheWriteCost()).isEqualTo(0.6);
        assertThat(s.finalCost()).isEqualTo(6.0);
    }

    @Test
    void requestWithoutUpstreamIsBilledAtMultipliersOneAndOne() {
        RequestCompletion message = message("gpt-4o", usage(1_000_000, 1_000_000, 0, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, References.NONE, flatCatalog(new Prices(2.0, 10.0, null, null)),
                Multipliers.NONE);

        assertThat(s.inputMultiplier()).isEqualTo(1.0);
        assertThat(s.outputMultiplier()).isEqualTo(1.0);
        assertThat(s.finalCost()).isEqualTo(12.0);
        assertThat(s.references()).isEqualTo(References.NONE);
    }

    @Test
    void nullCachePricesAreChargedAtTheInputPriceButStoredAsNull() {
        RequestCompletion message = message("gpt-4o", usage(1_000_000, 0, 0, 400_000, 100_000));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, flatCatalog(new Prices(2.0, 8.0, null, null)),
                Multipliers.NONE);

        // billed 500k: input 1.0, read 0.4*2=0.8, write 0.1*2=0.2
        assertThat(s.baseCacheReadInputPricePerMillion()).isNull();
        assertThat(s.baseCacheWriteInputPricePerMillion()).isNull();
        assertThat(s.cacheReadCost()).isEqualTo(0.8);
        assertThat(s.cacheWriteCost()).isEqualTo(0.2);
        assertThat(s.finalCost()).isEqualTo(2.0);
    }

    @Test
    void fastTierWithNullPriorityCachePriceChargesCacheAtThePriorityInputPrice() {
        ModelCatalog catalog = new ModelCatalog(List.of(), List.of(), Optional.empty(),
                Optional.of(new CatalogPrice(STANDARD, 6.0, 30.0, null, null, 200_000, 64_000)));
        RequestCompletion message = message("gpt-5", ServiceTier.FAST, ServiceTier.FAST,
                usage(1_000_000, 0, 0, 500_000, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, catalog, Multipliers.NONE);

        // billed 500k at 6 = 3.0; read 500k at 6 (not the standard 0.3 nor 3.0) = 3.0
        assertThat(s.effectiveServiceTier()).isEqualTo("fast");
        assertThat(s.baseInputPricePerMillion()).isEqualTo(6.0);
        assertThat(s.baseOutputPricePerMillion()).isEqualTo(30.0);
        assertThat(s.baseCacheReadInputPricePerMillion()).isNull();
        assertThat(s.cacheReadCost()).isEqualTo(3.0);
        assertThat(s.finalCost()).isEqualTo(6.0);
    }

    @Test
    void tierRuleLabelThresholdAndPricesAreRecorded() {
        Prices above200k = new Prices(6.0, 22.5, 0.6, 7.5);
        ModelCatalog catalog = new ModelCatalog(List.of(new TierRule(200_000, "> 200k tokens", above200k)),
                List.of(), Optional.empty(), CATALOG.catalogPrice());
        RequestCompletion message = message("claude-sonnet-4-5", usage(400_000, 0, 0, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, catalog, Multipliers.NONE);

        assertThat(s.priceSource()).isEqualTo("manual");
        assertThat(s.matchedRuleType()).isEqualTo("tiered");
        assertThat(s.matchedRuleDisplayLabel()).isEqualTo("> 200k tokens");
        assertThat(s.appliedTierThreshold()).isEqualTo(200_000);
        assertThat(s.baseCacheWriteInputPricePerMillion()).isEqualTo(7.5);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
        assertThat(s.finalCost()).isEqualTo(2.4);
    }

    @Test
    void tierThresholdsAreComparedWithBilledInputNotPromptTokens() {
        ModelCatalog catalog = new ModelCatalog(List.of(),
                List.of(new TierRule(200_000, "> 200k", new Prices(6.0, 22.5, null, null))),
                Optional.empty(), CATALOG.catalogPrice());
        RequestCompletion message = message("gpt-4.1", usage(300_000, 10, 0, 150_000, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, catalog, Multipliers.NONE);

        assertThat(s.promptTokens()).isEqualTo(150_000);
        assertThat(s.matchedRuleType()).isEqualTo("flat");
    }

    @Test
    void anthropicPromptMadeOnlyOfCacheTokensBillsNoInputAndSkipsTierRules() {
        ModelCatalog catalog = new ModelCatalog(List.of(new TierRule(200_000, "> 200k", new Prices(9, 9, 9.0, 9.0))),
                List.of(), Optional.empty(), CATALOG.catalogPrice());
        RequestCompletion message = message("claude-opus-4", usage(300_000, 0, 0, 250_000, 50_000));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, catalog, Multipliers.NONE);

        // read 0.25*0.3 = 0.075; write 0.05*3.75 = 0.1875
        assertThat(s.promptTokens()).isZero();
        assertThat(s.matchedRuleType()).isEqualTo("flat");
        assertThat(s.cacheReadCost()).isEqualTo(0.075);
        assertThat(s.cacheWriteCost()).isEqualTo(0.1875);
        assertThat(s.finalCost()).isEqualTo(0.2625);
    }

    @Test
    void anthropicPromptDifferentFromTheCacheSumIsBilledWhole() {
        RequestCompletion message = message("Claude-Opus-4", usage(2_000, 0, 0, 1_000, 500));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, CATALOG, Multipliers.NONE);

        // 0.002*3 + 0.001*0.3 + 0.0005*3.75 = 0.006 + 0.0003 + 0.001875
        assertThat(s.promptTokens()).isEqualTo(2_000);
        assertThat(s.finalCost()).isEqualTo(0.008175);
    }

    @Test
    void usageWithOnlyTotalTokensIsBilledAtZeroCost() {
        Snapshot s = SnapshotCalculator.compute(message("gpt-4o", usage(0, 0, 10, 0, 0)), RECONCILED, CATALOG,
                Multipliers.NONE);

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.BILLED);
        assertThat(s.totalTokens()).isEqualTo(10);
        assertThat(s.finalCost()).isEqualTo(0.0);
    }

    // ---- rounding ----

    @Test
    void finalCostWithAFiveAtTheEleventhDecimalRoundsUp() {
        RequestCompletion message = message("mistral-large", usage(1_000_000, 0, 0, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, flatCatalog(new Prices(0.12345678905, 0, null, null)),
                Multipliers.NONE);

        assertThat(s.finalCost()).isEqualTo(0.1234567891);
    }

    @Test
    void cacheCostWithAFiveAtTheEleventhDecimalRoundsUp() {
        RequestCompletion message = message("mistral-large", usage(1_000_000, 0, 0, 1_000_000, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, flatCatalog(new Prices(1.0, 1.0, 5.0E-11, null)),
                Multipliers.NONE);

        assertThat(s.cacheReadCost()).isEqualTo(1.0E-10);
    }

    @Test
    void finalCostIsRoundedFromTheUnroundedSumWhichCanBeBelowTheSumOfRoundedParts() {
        // Three parts of 6e-11 each round to 1e-10 (sum of rounded parts 3e-10); their sum 1.8e-10 rounds to 2e-10.
        RequestCompletion message = message("mistral-large", usage(3, 0, 0, 1, 1));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED,
                flatCatalog(new Prices(0.00006, 0, 0.00006, 0.00006)), Multipliers.NONE);

        assertThat(s.promptTokens()).isEqualTo(1);
        assertThat(s.cacheReadCost()).isEqualTo(1.0E-10);
        assertThat(s.cacheWriteCost()).isEqualTo(1.0E-10);
        assertThat(s.finalCost()).isEqualTo(2.0E-10);
    }

    @Test
    void finalCostIsRoundedFromTheUnroundedSumWhichCanBeAboveTheSumOfRoundedParts() {
        // Three parts of 4e-11 each round to 0; their sum 1.2e-10 rounds to 1e-10.
        RequestCompletion message = message("mistral-large", usage(3, 0, 0, 1, 1));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED,
                flatCatalog(new Prices(0.00004, 0, 0.00004, 0.00004)), Multipliers.NONE);

        assertThat(s.cacheReadCost()).isEqualTo(0.0);
        assertThat(s.cacheWriteCost()).isEqualTo(0.0);
        assertThat(s.finalCost()).isEqualTo(1.0E-10);
    }

    @Test
    void aFreeModelIsBilledAtZero() {
        Snapshot s = SnapshotCalculator.compute(message("free-model", usage(1_000, 500, 0, 200, 100)), RECONCILED,
                flatCatalog(new Prices(0, 0, 0.0, null)), new Multipliers(0, 1));

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.BILLED);
        assertThat(s.finalCost()).isEqualTo(0.0);
        assertThat(s.cacheReadCost()).isEqualTo(0.0);
    }

    // ---- prices that cannot be billed at: unbilled, price_invalid ----

    static Stream<Arguments> invalidPricesAndMultipliers() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        return Stream.of(
                Arguments.of("negative output price", new Prices(2, -20, null, null), Multipliers.NONE),
                Arguments.of("negative input price", new Prices(-2, 8, null, null), Multipliers.NONE),
                Arguments.of("negative cache-read price, no cache tokens", new Prices(2, 8, -0.5, null), Multipliers.NONE),
                Arguments.of("negative cache-write price, no cache tokens", new Prices(2, 8, null, -1.0), Multipliers.NONE),
                Arguments.of("NaN price", new Prices(nan, 8, null, null), Multipliers.NONE),
                Arguments.of("infinite price", new Prices(2, inf, null, null), Multipliers.NONE),
                Arguments.of("negative infinite cache price", new Prices(2, 8, -inf, null), Multipliers.NONE),
                Arguments.of("negative input multiplier", STANDARD, new Multipliers(-1, 1)),
                Arguments.of("negative output multiplier", STANDARD, new Multipliers(1, -0.5)),
                Arguments.of("NaN multiplier", STANDARD, new Multipliers(nan, 1)),
                Arguments.of("infinite multiplier", STANDARD, new Multipliers(1, inf)),
                Arguments.of("finite prices whose cost overflows", new Prices(Double.MAX_VALUE, 0, null, null),
                        Multipliers.NONE),
                Arguments.of("an overflow times a zero multiplier (NaN)", new Prices(0, Double.MAX_VALUE, null, null),
                        new Multipliers(1, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPricesAndMultipliers")
    void pricesOrMultipliersThatCannotBeBilledAtGiveAnUnbilledRowWithNoCost(String why, Prices prices,
            Multipliers multipliers) {
        RequestCompletion message = message("gpt-4o", usage(MAX, MAX, 0, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, flatCatalog(prices), multipliers);

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.UNBILLED);
        assertThat(s.unbillableReason()).isEqualTo("price_invalid");
        assertNothingPriced(s);
        assertThat(s.promptTokens()).as("the message's prompt tokens, as every unbilled row").isEqualTo(MAX);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
    }

    @Test
    void aNegativeTierRulePriceIsInvalidEvenWhenTheCatalogRowIsFine() {
        ModelCatalog catalog = new ModelCatalog(
                List.of(new TierRule(100_000, "long context", new Prices(-6, 30, null, null))), List.of(),
                Optional.empty(), Optional.of(new CatalogPrice(STANDARD, null, null, null, null, 200_000, 64_000)));

        Snapshot s = SnapshotCalculator.compute(message("claude-sonnet-4", usage(150_000, 100, 0, 0, 0)), RECONCILED,
                catalog, Multipliers.NONE);

        assertThat(s.unbillableReason()).isEqualTo("price_invalid");
        assertThat(s.finalCost()).isNull();
    }

    // ---- unbilled rows ----

    @Test
    void missingModelIsUnbilledWithMessageTokensAndCatalogLimits() {
        RequestCompletion message = message(null, usage(1_000, 200, 0, 300, 50));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, CATALOG, new Multipliers(2, 2));

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.UNBILLED);
        assertThat(s.unbillableReason()).isEqualTo("model_missing");
        assertThat(s.model()).isNull();
        assertNothingPriced(s);
        assertThat(s.promptTokens()).isEqualTo(1_000);
        assertThat(s.completionTokens()).isEqualTo(200);
        assertThat(s.totalTokens()).isEqualTo(1_200);
        assertThat(s.cacheReadTokens()).isEqualTo(300);
        assertThat(s.cacheWriteTokens()).isEqualTo(50);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
        assertThat(s.modelMaxOutputTokens()).isEqualTo(64_000);
        assertThat(s.references()).isEqualTo(RECONCILED);
        assertThat(s.currency()).isEqualTo("USD");
        assertThat(s.billedAt()).isEqualTo(BILLED_AT);
    }

    @Test
    void blankModelIsTreatedAsMissing() {
        Snapshot s = SnapshotCalculator.compute(message("  ", usage(1_000, 200, 0, 0, 0)), RECONCILED, CATALOG,
                Multipliers.NONE);

        assertThat(s.unbillableReason()).isEqualTo("model_missing");
    }

    @Test
    void missingModelIsReportedBeforeMissingUsage() {
        Snapshot s = SnapshotCalculator.compute(message(null, Usage.NONE), RECONCILED, ModelCatalog.EMPTY,
                Multipliers.NONE);

        assertThat(s.unbillableReason()).isEqualTo("model_missing");
        assertThat(s.modelMaxInputTokens()).isNull();
    }

    @Test
    void usageWithNoPromptCompletionOrTotalTokensIsUnbilledEvenWithCacheTokensAndAPrice() {
        RequestCompletion message = message("gpt-4o", usage(0, 0, 0, 500, 20));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, CATALOG, Multipliers.NONE);

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.UNBILLED);
        assertThat(s.unbillableReason()).isEqualTo("usage_missing");
        assertNothingPriced(s);
        assertThat(s.promptTokens()).isZero();
        assertThat(s.totalTokens()).isZero();
        assertThat(s.cacheReadTokens()).isEqualTo(500);
        assertThat(s.cacheWriteTokens()).isEqualTo(20);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
        assertThat(s.modelMaxOutputTokens()).isEqualTo(64_000);
    }

    @Test
    void missingUsageIsReportedBeforeMissingPrice() {
        Snapshot s = SnapshotCalculator.compute(message("gpt-4o", Usage.NONE), RECONCILED, ModelCatalog.EMPTY,
                Multipliers.NONE);

        assertThat(s.unbillableReason()).isEqualTo("usage_missing");
    }

    @Test
    void modelWithoutAnyPriceIsUnbilledAndKeepsTheMessagePromptTokens() {
        RequestCompletion message = message("gpt-4o", usage(1_000, 200, 0, 300, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, ModelCatalog.EMPTY, new Multipliers(2, 2));

        assertThat(s.billingStatus()).isEqualTo(BillingStatus.UNBILLED);
        assertThat(s.unbillableReason()).isEqualTo("price_not_found");
        assertNothingPriced(s);
        // the message's 1000, not the 700 billed input tokens
        assertThat(s.promptTokens()).isEqualTo(1_000);
        assertThat(s.totalTokens()).isEqualTo(1_200);
        assertThat(s.cacheReadTokens()).isEqualTo(300);
        assertThat(s.modelMaxInputTokens()).isNull();
        assertThat(s.modelMaxOutputTokens()).isNull();
    }

    @Test
    void unresolvedFastPriceStillRecordsTheCatalogLimits() {
        RequestCompletion message = message("gpt-5", ServiceTier.FAST, ServiceTier.FAST, usage(1_000, 200, 0, 0, 0));

        Snapshot s = SnapshotCalculator.compute(message, RECONCILED, CATALOG, Multipliers.NONE);

        assertThat(s.unbillableReason()).isEqualTo("price_not_found");
        assertNothingPriced(s);
        assertThat(s.modelMaxInputTokens()).isEqualTo(200_000);
        assertThat(s.modelMaxOutputTokens()).isEqualTo(64_000);
    }

    private static void assertNothingPriced(Snapshot s) {
        assertThat(s.priceSource()).isNull();
        assertThat(s.baseInputPricePerMillion()).isNull();
        assertThat(s.baseOutputPricePerMillion()).isNull();
        assertThat(s.baseCacheReadInputPricePerMillion()).isNull();
        assertThat(s.baseCacheWriteInputPricePerMillion()).isNull();
        assertThat(s.matchedRuleType()).isNull();
        assertThat(s.matchedRuleDisplayLabel()).isNull();
        assertThat(s.appliedTierThreshold()).isNull();
        assertThat(s.inputMultiplier()).isNull();
        assertThat(s.outputMultiplier()).isNull();
        assertThat(s.cacheReadCost()).isNull();
        assertThat(s.cacheWriteCost()).isNull();
        assertThat(s.finalCost()).isNull();
    }

    // ---- total tokens and tiers ----

    @Test
    void positiveMessageTotalIsStoredAsGiven() {
        Snapshot s = SnapshotCalculator.compute(message("gpt-4o", usage(1_000, 500, 7, 0, 0)), RECONCILED, CATALOG,
                Multipliers.NONE);

        assertThat(s.totalTokens()).isEqualTo(7);
    }

    @Test
    void missingTotalIsPromptPlusCompletionSaturatedAtIntMax() {
        Snapshot s = SnapshotCalculator.compute(message("gpt-4o", usage(MAX, MAX, 0, 0, 0)), RECONCILED,
                ModelCatalog.EMPTY, Multipliers.NONE);

        assertThat(s.totalTokens()).isEqualTo(MAX);
    }

    @Test
    void tierColumnsUseWireNamesWithNullRequestedKeptNull() {
        Snapshot unknown = SnapshotCalculator.compute(message("gpt-4o", null, ServiceTier.UNKNOWN,
                usage(1_000, 0, 0, 0, 0)), RECONCILED, CATALOG, Multipliers.NONE);
        Snapshot downgraded = SnapshotCalculator.compute(message("gpt-4o", ServiceTier.FAST, ServiceTier.STANDARD,
                usage(1_000, 0, 0, 0, 0)), RECONCILED, CATALOG, Multipliers.NONE);

        assertThat(unknown.requestedServiceTier()).isNull();
        assertThat(unknown.effectiveServiceTier()).isEqualTo("unknown");
        assertThat(downgraded.requestedServiceTier()).isEqualTo("fast");
        assertThat(downgraded.effectiveServiceTier()).isEqualTo("standard");
    }
}
