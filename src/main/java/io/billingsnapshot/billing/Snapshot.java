package io.billingsnapshot.billing;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code request_billing_snapshots} as this service computes it. Unbilled rows
 * carry null prices, multipliers and costs. {@code promptTokens} holds the billed input
 * tokens of a billed row and the message's prompt tokens of an unbilled one.
 */
public record Snapshot(
        UUID requestLogId,
        References references,
        String model,
        String requestedServiceTier,
        String effectiveServiceTier,
        BillingStatus billingStatus,
        String unbillableReason,
        String priceSource,
        Double baseInputPricePerMillion,
        Double baseOutputPricePerMillion,
        Double baseCacheReadInputPricePerMillion,
        Double baseCacheWriteInputPricePerMillion,
        String matchedRuleType,
        String matchedRuleDisplayLabel,
        Integer appliedTierThreshold,
        Integer modelMaxInputTokens,
        Integer modelMaxOutputTokens,
        Double inputMultiplier,
        Double outputMultiplier,
        int promptTokens,
        int completionTokens,
        int totalTokens,
        int cacheReadTokens,
        int cacheWriteTokens,
        Double cacheReadCost,
        Double cacheWriteCost,
        Double finalCost,
        String currency,
        Instant billedAt) {

    public static final String CURRENCY = "USD";

    /** The same snapshot with one reference cleared: what the FK retry writes. */
    public Snapshot withNull(ReferenceColumn column) {
        return withReferences(references.withNull(column));
    }

    public Snapshot withReferences(References newReferences) {
        return new Snapshot(requestLogId, newReferences, model, requestedServiceTier,
                effectiveServiceTier, billingStatus, unbillableReason, priceSource,
                baseInputPricePerMillion, baseOutputPricePerMillion,
                baseCacheReadInputPricePerMillion, baseCacheWriteInputPricePerMillion,
                matchedRuleType, matchedRuleDisplayLabel, appliedTierThreshold,
                modelMaxInputTokens, modelMaxOutputTokens, inputMultiplier, outputMultiplier,
                promptTokens, completionTokens, totalTokens, cacheReadTokens, cacheWriteTokens,
                cacheReadCost, cacheWriteCost, finalCost, currency, billedAt);
    }

    /** What this row contributes to quota: what re-rating compares before and after a correction. */
    public BilledAmount billedAmount() {
        return new BilledAmount(references.apiKeyId(), references.upstreamId(), billingStatus,
                finalCost, billedAt);
    }
}
