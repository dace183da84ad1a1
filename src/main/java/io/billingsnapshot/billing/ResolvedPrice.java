package io.billingsnapshot.billing;

/**
 * The price that applies to a request and where it came from.
 *
 * @param priceSource {@code manual} or {@code litellm}
 * @param matchedRuleType {@code tiered} or {@code flat}
 * @param displayLabel the tier rule's label, null for flat prices
 * @param appliedTierThreshold the tier rule's threshold, null for flat prices
 */
public record ResolvedPrice(
        String priceSource,
        String matchedRuleType,
        String displayLabel,
        Integer appliedTierThreshold,
        Prices prices) {
}
