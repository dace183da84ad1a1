package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.message.ServiceTier;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PriceResolverTest {

    private static final Prices MANUAL_TIER_PRICES = new Prices(6.0, 22.5, 0.6, 7.5);
    private static final Prices LITELLM_TIER_PRICES = new Prices(5.0, 20.0, 0.5, 6.25);
    private static final Prices OVERRIDE_PRICES = new Prices(4.0, 16.0, null, null);
    private static final Prices STANDARD_PRICES = new Prices(3.0, 15.0, 0.3, 3.75);

    private static final TierRule MANUAL_ABOVE_200K = new TierRule(200_000, "manual >200k", MANUAL_TIER_PRICES);
    private static final TierRule LITELLM_ABOVE_200K = new TierRule(200_000, "litellm >200k", LITELLM_TIER_PRICES);

    private static CatalogPrice catalogRow(Double priorityInput, Double priorityOutput, Double priorityCacheRead,
            Double priorityCacheWrite) {
        return new CatalogPrice(STANDARD_PRICES, priorityInput, priorityOutput, priorityCacheRead,
                priorityCacheWrite, 1_000_000, 64_000);
    }

    private static CatalogPrice standardOnlyRow() {
        return catalogRow(null, null, null, null);
    }

    private static CatalogPrice rowWithPriorityPrices() {
        return catalogRow(6.0, 30.0, 0.6, 7.5);
    }

    private static ModelCatalog catalog(List<TierRule> manualTiers, List<TierRule> litellmTiers,
            Prices override, CatalogPrice row) {
        return new ModelCatalog(manualTiers, litellmTiers, Optional.ofNullable(override), Optional.ofNullable(row));
    }

    private static ModelCatalog everything() {
        return catalog(List.of(MANUAL_ABOVE_200K), List.of(LITELLM_ABOVE_200K), OVERRIDE_PRICES, standardOnlyRow());
    }

    @Test
    void manualTierRuleBeatsLitellmTierRuleManualFlatAndCatalog() {
        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 300_000, everything());

        assertThat(resolution.price()).contains(
                new ResolvedPrice("manual", "tiered", "manual >200k", 200_000, MANUAL_TIER_PRICES));
    }

    @Test
    void litellmTierRuleBeatsManualFlatAndCatalogWhenNoManualTierMatches() {
        ModelCatalog catalog = catalog(List.of(new TierRule(500_000, "manual >500k", MANUAL_TIER_PRICES)),
                List.of(LITELLM_ABOVE_200K), OVERRIDE_PRICES, standardOnlyRow());

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 300_000, catalog);

        assertThat(resolution.price()).contains(
                new ResolvedPrice("litellm", "tiered", "litellm >200k", 200_000, LITELLM_TIER_PRICES));
    }

    @Test
    void manualFlatOverrideBeatsCatalogWhenNoTierRuleMatches() {
        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 150_000, everything());

        assertThat(resolution.price()).contains(new ResolvedPrice("manual", "flat", null, null, OVERRIDE_PRICES));
    }

    @Test
    void catalogRowIsTheLitellmFlatPriceWhenNothingElseMatches() {
        ModelCatalog catalog = catalog(List.of(MANUAL_ABOVE_200K), List.of(LITELLM_ABOVE_200K), null,
                standardOnlyRow());

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 150_000, catalog);

        assertThat(resolution.price()).contains(new ResolvedPrice("litellm", "flat", null, null, STANDARD_PRICES));
    }

    @Test
    void tierRuleDoesNotMatchWhenBilledInputEqualsItsThreshold() {
        PriceResolution atThreshold = PriceResolver.resolve(ServiceTier.STANDARD, 200_000, everything());
        PriceResolution oneAbove = PriceResolver.resolve(ServiceTier.STANDARD, 200_001, everything());

        assertThat(atThreshold.price()).map(ResolvedPrice::matchedRuleType).contains("flat");
        assertThat(atThreshold.price()).map(ResolvedPrice::priceSource).contains("manual");
        assertThat(oneAbove.price()).map(ResolvedPrice::appliedTierThreshold).contains(200_000);
    }

    @Test
    void highestThresholdStrictlyBelowBilledInputIsChosenWhateverTheListOrder() {
        Prices p100 = new Prices(1, 1, null, null);
        Prices p200 = new Prices(2, 2, null, null);
        Prices p300 = new Prices(3, 3, null, null);
        List<TierRule> unordered = List.of(new TierRule(200_000, "200k", p200), new TierRule(300_000, "300k", p300),
                new TierRule(100_000, "100k", p100));

        PriceResolution manual = PriceResolver.resolve(ServiceTier.STANDARD, 250_000,
                catalog(unordered, List.of(), null, null));
        PriceResolution litellm = PriceResolver.resolve(ServiceTier.STANDARD, 300_000,
                catalog(List.of(), unordered, null, null));

        assertThat(manual.price()).contains(new ResolvedPrice("manual", "tiered", "200k", 200_000, p200));
        assertThat(litellm.price()).contains(new ResolvedPrice("litellm", "tiered", "200k", 200_000, p200));
    }

    @Test
    void zeroBilledInputSkipsTierRulesEvenWithAZeroThreshold() {
        List<TierRule> fromZero = List.of(new TierRule(0, "any input", MANUAL_TIER_PRICES));
        ModelCatalog catalog = catalog(fromZero, fromZero, null, standardOnlyRow());

        PriceResolution zero = PriceResolver.resolve(ServiceTier.STANDARD, 0, catalog);
        PriceResolution one = PriceResolver.resolve(ServiceTier.STANDARD, 1, catalog);

        assertThat(zero.price()).contains(new ResolvedPrice("litellm", "flat", null, null, STANDARD_PRICES));
        assertThat(one.price()).contains(new ResolvedPrice("manual", "tiered", "any input", 0, MANUAL_TIER_PRICES));
    }

    @Test
    void zeroBilledInputSkipsEvenATierRuleWithANegativeThreshold() {
        // The schema does not forbid a negative threshold; the rule still needs billed input.
        List<TierRule> negative = List.of(new TierRule(-1, "misconfigured", MANUAL_TIER_PRICES));

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 0,
                catalog(negative, negative, null, standardOnlyRow()));

        assertThat(resolution.price()).contains(new ResolvedPrice("litellm", "flat", null, null, STANDARD_PRICES));
    }

    @Test
    void fastTierStillUsesAMatchingManualTierRule() {
        PriceResolution resolution = PriceResolver.resolve(ServiceTier.FAST, 300_000,
                catalog(List.of(MANUAL_ABOVE_200K), List.of(LITELLM_ABOVE_200K), null, rowWithPriorityPrices()));

        assertThat(resolution.price()).contains(
                new ResolvedPrice("manual", "tiered", "manual >200k", 200_000, MANUAL_TIER_PRICES));
    }

    @Test
    void fastTierMatchingOnlyAStandardLitellmTierIsUnresolvedEvenWithPriorityCatalogPrices() {
        ModelCatalog catalog = catalog(List.of(), List.of(LITELLM_ABOVE_200K), null, rowWithPriorityPrices());

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.FAST, 300_000, catalog);

        assertThat(resolution.price()).isEmpty();
        assertThat(resolution.modelMaxInputTokens()).isEqualTo(1_000_000);
        assertThat(resolution.modelMaxOutputTokens()).isEqualTo(64_000);
    }

    @Test
    void fastTierMatchingOnlyAStandardLitellmTierFallsToTheManualFlatOverride() {
        ModelCatalog catalog = catalog(List.of(), List.of(LITELLM_ABOVE_200K), OVERRIDE_PRICES,
                rowWithPriorityPrices());

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.FAST, 300_000, catalog);

        assertThat(resolution.price()).contains(new ResolvedPrice("manual", "flat", null, null, OVERRIDE_PRICES));
    }

    @Test
    void fastTierBelowEveryLitellmThresholdUsesAllFourPriorityPrices() {
        ModelCatalog catalog = catalog(List.of(), List.of(LITELLM_ABOVE_200K), null, rowWithPriorityPrices());

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.FAST, 150_000, catalog);

        assertThat(resolution.price()).contains(
                new ResolvedPrice("litellm", "flat", null, null, new Prices(6.0, 30.0, 0.6, 7.5)));
    }

    @Test
    void fastTierKeepsANullPriorityCachePriceNullInsteadOfTakingTheStandardOne() {
        ModelCatalog catalog = catalog(List.of(), List.of(), null, catalogRow(6.0, 30.0, null, null));

        PriceResolution resolution = PriceResolver.resolve(ServiceTier.FAST, 1_000, catalog);

        assertThat(resolution.price()).contains(
                new ResolvedPrice("litellm", "flat", null, null, new Prices(6.0, 30.0, null, null)));
    }

    @Test
    void fastTierIsUnresolvedWhenThePriorityInputPriceIsMissing() {
        ModelCatalog catalog = catalog(List.of(), List.of(), null, catalogRow(null, 30.0, 0.6, 7.5));

        assertThat(PriceResolver.resolve(ServiceTier.FAST, 1_000, catalog).price()).isEmpty();
    }

    @Test
    void fastTierIsUnresolvedWhenThePriorityOutputPriceIsMissing() {
        ModelCatalog catalog = catalog(List.of(), List.of(), null, catalogRow(6.0, null, 0.6, 7.5));

        assertThat(PriceResolver.resolve(ServiceTier.FAST, 1_000, catalog).price()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ServiceTier.class, names = {"STANDARD", "UNKNOWN"})
    void nonFastTiersUseTheStandardCatalogPricesAndLitellmTierRules(ServiceTier tier) {
        ModelCatalog catalog = catalog(List.of(), List.of(LITELLM_ABOVE_200K), null, rowWithPriorityPrices());

        PriceResolution flat = PriceResolver.resolve(tier, 150_000, catalog);
        PriceResolution tiered = PriceResolver.resolve(tier, 300_000, catalog);

        assertThat(flat.price()).contains(new ResolvedPrice("litellm", "flat", null, null, STANDARD_PRICES));
        assertThat(tiered.price()).map(ResolvedPrice::priceSource).contains("litellm");
        assertThat(tiered.price()).map(ResolvedPrice::matchedRuleType).contains("tiered");
    }

    @Test
    void nullEffectiveTierIsPricedAsUnknownNotFast() {
        ModelCatalog catalog = catalog(List.of(), List.of(LITELLM_ABOVE_200K), null, standardOnlyRow());

        PriceResolution resolution = PriceResolver.resolve(null, 300_000, catalog);

        assertThat(resolution.price()).map(ResolvedPrice::prices).contains(LITELLM_TIER_PRICES);
    }

    @Test
    void withoutCatalogRowTierRuleOrOverrideThePriceIsUnresolvedAndLimitsAreNull() {
        PriceResolution resolution = PriceResolver.resolve(ServiceTier.STANDARD, 1_000, ModelCatalog.EMPTY);

        assertThat(resolution.price()).isEmpty();
        assertThat(resolution.modelMaxInputTokens()).isNull();
        assertThat(resolution.modelMaxOutputTokens()).isNull();
    }

    @Test
    void tierRulesAndOverrideResolveWithoutAnyCatalogRow() {
        ModelCatalog withOverride = catalog(List.of(), List.of(), OVERRIDE_PRICES, null);
        ModelCatalog withLitellmTier = catalog(List.of(), List.of(LITELLM_ABOVE_200K), null, null);

        assertThat(PriceResolver.resolve(ServiceTier.STANDARD, 1_000, withOverride).price())
                .contains(new ResolvedPrice("manual", "flat", null, null, OVERRIDE_PRICES));
        assertThat(PriceResolver.resolve(ServiceTier.STANDARD, 300_000, withLitellmTier).price())
                .map(ResolvedPrice::prices).contains(LITELLM_TIER_PRICES);
        assertThat(PriceResolver.resolve(ServiceTier.STANDARD, 1_000, withLitellmTier).price()).isEmpty();
    }

    @Test
    void catalogTokenLimitsAreReportedWhateverPriceMatched() {
        PriceResolution tiered = PriceResolver.resolve(ServiceTier.STANDARD, 300_000, everything());
        PriceResolution overridden = PriceResolver.resolve(ServiceTier.STANDARD, 1_000, everything());

        assertThat(tiered.modelMaxInputTokens()).isEqualTo(1_000_000);
        assertThat(tiered.modelMaxOutputTokens()).isEqualTo(64_000);
        assertThat(overridden.modelMaxInputTokens()).isEqualTo(1_000_000);
        assertThat(overridden.modelMaxOutputTokens()).isEqualTo(64_000);
    }
}
