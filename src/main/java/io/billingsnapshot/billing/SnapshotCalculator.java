package io.billingsnapshot.billing;

import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.message.Usage;
import java.util.Objects;
import java.util.Optional;

/** Turns a message, its reconciled references and the model's prices into a snapshot. Pure. */
public final class SnapshotCalculator {

    private SnapshotCalculator() {
    }

    /**
     * @param references the reconciled references, which replace the message's
     * @param catalog the model's catalog ({@link ModelCatalog#EMPTY} when it has none)
     * @param multipliers the upstream's, or {@link Multipliers#NONE} without an upstream
     * @throws IllegalArgumentException when the prices yield a cost that is not a finite number
     */
    public static Snapshot compute(RequestCompletion message, References references, ModelCatalog catalog,
            Multipliers multipliers) {
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(multipliers, "multipliers");
        Usage usage = message.usage();
        if (message.model() == null || message.model().isBlank()) {
            return unbilled(message, references, catalog.catalogPrice(), UnbillableReason.MODEL_MISSING);
        }
        if (usage.promptTokens() <= 0 && usage.completionTokens() <= 0 && usage.totalTokens() <= 0) {
            return unbilled(message, references, catalog.catalogPrice(), UnbillableReason.USAGE_MISSING);
        }
        int billedInput = BilledInputTokens.of(ProviderType.ofModel(message.model()), usage);
        PriceResolution resolution = PriceResolver.resolve(message.effectiveServiceTier(), billedInput, catalog);
        if (resolution.price().isEmpty()) {
            return unbilled(message, references, catalog.catalogPrice(), UnbillableReason.PRICE_NOT_FOUND);
        }
        return billed(message, references, resolution, multipliers, billedInput);
    }

    private static Snapshot billed(RequestCompletion message, References references, PriceResolution resolution,
            Multipliers multipliers, int billedInput) {
        ResolvedPrice price = resolution.price().orElseThrow();
        Prices prices = price.prices();
        Usage usage = message.usage();
        Cost cost = Cost.of(prices, multipliers, billedInput, usage.completionTokens(),
                usage.cacheReadTokens(), usage.cacheWriteTokens());
        return new Snapshot(message.requestLogId(), references, message.model(),
                requestedTier(message), effectiveTier(message),
                BillingStatus.BILLED, null,
                price.priceSource(),
                prices.input(), prices.output(), prices.cacheRead(), prices.cacheWrite(),
                price.matchedRuleType(), price.displayLabel(), price.appliedTierThreshold(),
                resolution.modelMaxInputTokens(), resolution.modelMaxOutputTokens(),
                multipliers.input(), multipliers.output(),
                billedInput, usage.completionTokens(), totalTokens(usage),
                usage.cacheReadTokens(), usage.cacheWriteTokens(),
                cost.cacheReadCost(), cost.cacheWriteCost(), cost.finalCost(),
                Snapshot.CURRENCY, message.billedAt());
    }

    private static Snapshot unbilled(RequestCompletion message, References references,
            Optional<CatalogPrice> catalogRow, UnbillableReason reason) {
        Usage usage = message.usage();
        return new Snapshot(message.requestLogId(), references, message.model(),
                requestedTier(message), effectiveTier(message),
                BillingStatus.UNBILLED, reason.wireName(),
                null,
                null, null, null, null,
                null, null, null,
                catalogRow.map(CatalogPrice::maxInputTokens).orElse(null),
                catalogRow.map(CatalogPrice::maxOutputTokens).orElse(null),
                null, null,
                usage.promptTokens(), usage.completionTokens(), totalTokens(usage),
                usage.cacheReadTokens(), usage.cacheWriteTokens(),
                null, null, null,
                Snapshot.CURRENCY, message.billedAt());
    }

    /**
     * The message's total, else prompt + completion. Saturated rather than rejected: the column
     * is int4, and the total is informational (nothing is priced from it).
     */
    static int totalTokens(Usage usage) {
        if (usage.totalTokens() > 0) {
            return usage.totalTokens();
        }
        return (int) Math.min((long) usage.promptTokens() + usage.completionTokens(), Integer.MAX_VALUE);
    }

    private static String requestedTier(RequestCompletion message) {
        return message.requestedServiceTier() == null ? null : message.requestedServiceTier().wireName();
    }

    private static String effectiveTier(RequestCompletion message) {
        ServiceTier tier = message.effectiveServiceTier();
        return (tier == null ? ServiceTier.UNKNOWN : tier).wireName();
    }
}
