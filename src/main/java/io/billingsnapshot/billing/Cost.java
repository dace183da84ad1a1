package io.billingsnapshot.billing;

/**
 * The costs a billed snapshot stores, each rounded half-up to 10 decimals. The final cost is
 * rounded once from the unrounded sum of its four parts, so it is not the sum of rounded parts.
 */
public record Cost(double cacheReadCost, double cacheWriteCost, double finalCost) {

    private static final double PER_MILLION = 1_000_000d;

    /**
     * @param prices the resolved prices; null cache prices fall back to the input price
     * @param billedInputTokens charged at the input price
     */
    public static Cost of(Prices prices, Multipliers multipliers, int billedInputTokens, int completionTokens,
            int cacheReadTokens, int cacheWriteTokens) {
        double input = billedInputTokens / PER_MILLION * prices.input() * multipliers.input();
        double output = completionTokens / PER_MILLION * prices.output() * multipliers.output();
        // Cache tokens are input tokens: they take the input multiplier.
        double cacheRead = cacheReadTokens / PER_MILLION * prices.effectiveCacheRead() * multipliers.input();
        double cacheWrite = cacheWriteTokens / PER_MILLION * prices.effectiveCacheWrite() * multipliers.input();
        return new Cost(Money.round(cacheRead), Money.round(cacheWrite),
                Money.round(input + output + cacheRead + cacheWrite));
    }
}
