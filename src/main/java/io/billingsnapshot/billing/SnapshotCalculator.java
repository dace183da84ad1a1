package io.billingsnapshot.billing;

import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.message.Usage;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a message, its reconciled references and the model's prices into a snapshot; and prices
 * a stored snapshot again from its own values (re-rating). Pure.
 */
public final class SnapshotCalculator {

    private SnapshotCalculator() {
    }

    /** What a snapshot is computed from: a message's fields, or a stored row's. */
    private record Request(UUID requestLogId, References references, String model, String requestedTier,
            ServiceTier effectiveTier, Usage usage, Instant billedAt) {
    }

    /**
     * @param references the reconciled references, which replace the message's
     * @param catalog the model's catalog ({@link ModelCatalog#EMPTY} when it has none)
     * @param multipliers the upstream's, or {@link Multipliers#NONE} without an upstream
     */
    public static Snapshot compute(RequestCompletion message, References references, ModelCatalog catalog,
            Multipliers multipliers) {
        Objects.requireNonNull(references, "references");
        ServiceTier requested = message.requestedServiceTier();
        Request request = new Request(message.requestLogId(), references, message.model(),
                requested == null ? null : requested.wireName(), message.effectiveServiceTier(), message.usage(),
                message.billedAt());
        return price(request, BilledInputTokens.of(ProviderType.ofModel(message.model()), message.usage()),
                catalog, multipliers);
    }

    /**
     * The stored row priced again with {@code catalog} and {@code multipliers}, by the rules a
     * message is priced by. Ids, tiers, token counts and {@code billed_at} are the row's own. A
     * billed row's {@code prompt_tokens} already are billed input tokens and are not derived again;
     * an unbilled row's are the message's prompt tokens, from which billed input is derived.
     *
     * @return the row as priced now; empty when it cannot be priced again: a billed row whose price
     *     no longer resolves or can no longer be billed at (written unbilled it would need the
     *     message's prompt tokens, which the row no longer holds, and it would refund the charge:
     *     re-rating never un-bills), or an effective tier this service does not know
     */
    public static Optional<Snapshot> reprice(Snapshot stored, ModelCatalog catalog, Multipliers multipliers) {
        Optional<ServiceTier> tier = stored.effectiveServiceTier() == null
                ? Optional.of(ServiceTier.UNKNOWN)
                : ServiceTier.fromWireName(stored.effectiveServiceTier());
        if (tier.isEmpty()) {
            return Optional.empty();
        }
        Usage usage = new Usage(stored.promptTokens(), stored.completionTokens(), stored.totalTokens(),
                stored.cacheReadTokens(), stored.cacheWriteTokens());
        Request request = new Request(stored.requestLogId(), stored.references(), stored.model(),
                stored.requestedServiceTier(), tier.get(), usage, stored.billedAt());
        boolean billed = stored.billingStatus() == BillingStatus.BILLED;
        int billedInput = billed
                ? stored.promptTokens()
                : BilledInputTokens.of(ProviderType.ofModel(stored.model()), usage);
        Snapshot repriced = price(request, billedInput, catalog, multipliers);
        if (billed && repriced.billingStatus() != BillingStatus.BILLED) {
            return Optional.empty();
        }
        return Optional.of(repriced);
    }

    private static Snapshot price(Request request, int billedInput, ModelCatalog catalog, Multipliers multipliers) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(multipliers, "multipliers");
        Usage usage = request.usage();
        if (request.model() == null || request.model().isBlank()) {
            return unbilled(request, catalog.catalogPrice(), UnbillableReason.MODEL_MISSING);
        }
        if (usage.promptTokens() <= 0 && usage.completionTokens() <= 0 && usage.totalTokens() <= 0) {
            return unbilled(request, catalog.catalogPrice(), UnbillableReason.USAGE_MISSING);
        }
        PriceResolution resolution = PriceResolver.resolve(request.effectiveTier(), billedInput, catalog);
        if (resolution.price().isEmpty()) {
            return unbilled(request, catalog.catalogPrice(), UnbillableReason.PRICE_NOT_FOUND);
        }
        Prices prices = resolution.price().get().prices();
        Optional<Cost> cost = Cost.of(prices, multipliers, billedInput, usage.completionTokens(),
                usage.cacheReadTokens(), usage.cacheWriteTokens());
        if (cost.isEmpty()) {
            return unbilled(request, catalog.catalogPrice(), UnbillableReason.PRICE_INVALID);
        }
        return billed(request, resolution, multipliers, billedInput, cost.get());
    }

    private static Snapshot billed(Request request, PriceResolution resolution, Multipliers multipliers,
            int billedInput, Cost cost) {
        ResolvedPrice price = resolution.price().orElseThrow();
        Prices prices = price.prices();
        Usage usage = request.usage();
        return new Snapshot(request.requestLogId(), request.references(), request.model(),
                request.requestedTier(), effectiveTier(request),
                BillingStatus.BILLED, null,
                price.priceSource(),
                prices.input(), prices.output(), prices.cacheRead(), prices.cacheWrite(),
                price.matchedRuleType(), price.displayLabel(), price.appliedTierThreshold(),
                resolution.modelMaxInputTokens(), resolution.modelMaxOutputTokens(),
                multipliers.input(), multipliers.output(),
                billedInput, usage.completionTokens(), totalTokens(usage),
                usage.cacheReadTokens(), usage.cacheWriteTokens(),
                cost.cacheReadCost(), cost.cacheWriteCost(), cost.finalCost(),
                Snapshot.CURRENCY, request.billedAt());
    }

    private static Snapshot unbilled(Request request, Optional<CatalogPrice> catalogRow, UnbillableReason reason) {
        Usage usage = request.usage();
        return new Snapshot(request.requestLogId(), request.references(), request.model(),
                request.requestedTier(), effectiveTier(request),
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
                Snapshot.CURRENCY, request.billedAt());
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

    private static String effectiveTier(Request request) {
        ServiceTier tier = request.effectiveTier();
        return (tier == null ? ServiceTier.UNKNOWN : tier).wireName();
    }
}
