package io.billingsnapshot.billing;

/** An active row of {@code billing_tier_rules}: these prices apply above the threshold. */
public record TierRule(int thresholdInputTokens, String displayLabel, Prices prices) {
}
