package io.billingsnapshot.billing;

import io.billingsnapshot.message.ServiceTier;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Chooses the price of a request from the model's catalog (docs/design.md §5). Pure. */
public final class PriceResolver {

    public static final String SOURCE_MANUAL = "manual";
    public static final String SOURCE_LITELLM = "litellm";
    public static final String RULE_TIERED = "tiered";
    public static final String RULE_FLAT = "flat";

    private PriceResolver() {
    }

    /**
     * @param effectiveTier the tier the request ran at; null is treated as {@code UNKNOWN}
     * @param billedInputTokens the input tokens tier thresholds are compared with
     * @param catalog the model's active rules, override and catalog row
     * @return the first price that matches, and the catalog row's token limits whether or not one does
     */
    public static PriceResolution resolve(ServiceTier effectiveTier, int billedInputTokens, ModelCatalog catalog) {
        ServiceTier tier = effectiveTier == null ? ServiceTier.UNKNOWN : effectiveTier;
        Optional<CatalogPrice> row = catalog.catalogPrice();
        return new PriceResolution(
                price(tier, billedInputTokens, catalog),
                row.map(CatalogPrice::maxInputTokens).orElse(null),
                row.map(CatalogPrice::maxOutputTokens).orElse(null));
    }

    private static Optional<ResolvedPrice> price(ServiceTier tier, int billedInputTokens, ModelCatalog catalog) {
        Optional<TierRule> manualTier = highestTierBelow(catalog.manualTierRules(), billedInputTokens);
        if (manualTier.isPresent()) {
            return Optional.of(tiered(SOURCE_MANUAL, manualTier.get()));
        }
        // Synced tier prices are standard-tier prices: a fast request above the threshold must not
        // be billed at them, nor at the flat priority price, which knows no input-size tier.
        Optional<TierRule> litellmTier = highestTierBelow(catalog.litellmTierRules(), billedInputTokens);
        boolean standardOnlyTierMatched = litellmTier.isPresent() && tier == ServiceTier.FAST;
        if (litellmTier.isPresent() && !standardOnlyTierMatched) {
            return Optional.of(tiered(SOURCE_LITELLM, litellmTier.get()));
        }
        // An operator's flat override is deliberate and wins even over that fast-tier doubt.
        if (catalog.manualOverride().isPresent()) {
            return Optional.of(flat(SOURCE_MANUAL, catalog.manualOverride().get()));
        }
        if (standardOnlyTierMatched || catalog.catalogPrice().isEmpty()) {
            return Optional.empty();
        }
        return catalogPrice(tier, catalog.catalogPrice().get()).map(prices -> flat(SOURCE_LITELLM, prices));
    }

    /** The rule with the highest threshold strictly below the billed input; none when nothing is billed. */
    private static Optional<TierRule> highestTierBelow(List<TierRule> rules, int billedInputTokens) {
        if (billedInputTokens <= 0) {
            return Optional.empty();
        }
        return rules.stream()
                .filter(rule -> rule.thresholdInputTokens() < billedInputTokens)
                .max(Comparator.comparingInt(TierRule::thresholdInputTokens));
    }

    private static Optional<Prices> catalogPrice(ServiceTier tier, CatalogPrice row) {
        if (tier != ServiceTier.FAST) {
            return Optional.of(row.standard());
        }
        if (row.priorityInput() == null || row.priorityOutput() == null) {
            return Optional.empty();
        }
        // All four are replaced: a null priority cache price falls back to the priority input
        // price when cost is computed, never to the standard cache price.
        return Optional.of(new Prices(row.priorityInput(), row.priorityOutput(),
                row.priorityCacheRead(), row.priorityCacheWrite()));
    }

    private static ResolvedPrice tiered(String source, TierRule rule) {
        return new ResolvedPrice(source, RULE_TIERED, rule.displayLabel(), rule.thresholdInputTokens(),
                rule.prices());
    }

    private static ResolvedPrice flat(String source, Prices prices) {
        return new ResolvedPrice(source, RULE_FLAT, null, null, prices);
    }
}
