package io.billingsnapshot.billing;

import java.util.Optional;

/**
 * The costs a billed snapshot stores, each rounded half-up to 10 decimals. The final cost is
 * rounded once from the unrounded sum of its four parts, so it is not the sum of rounded parts.
 */
public record Cost(double cacheReadCost, double cacheWriteCost, double finalCost) {

    private static final double PER_MILLION = 1_000_000d;

    /**
     * The one decision of what a request may be billed at, for messages and re-rating alike: a
     * cost exists only from prices and multipliers that are finite and not negative, and only when
     * the cost itself is finite. A negative price would bill a credit, NaN or infinity would poison
     * every quota sum downstream; zero is a free model, billed at 0.
     *
     * @param prices the resolved prices; null cache prices fall back to the input price
     * @param billedInputTokens charged at the input price
     * @return the cost; empty when the prices or multipliers cannot be billed at (price_invalid)
     */
    public static Optional<Cost> of(Prices prices, Multipliers multipliers, int billedInputTokens, int completionTokens,
            int cacheReadTokens, int cacheWriteTokens) {
        if (!prices.valid() || !multipliers.valid()) {
            return Optional.empty();
        }
        double input = billedInputTokens / PER_MILLION * prices.input() * multipliers.input();
        double output = completionTokens / PER_MILLION * prices.output() * multipliers.output();
        // Cache tokens are input tokens: they take the input multiplier.
        double cacheRead = cacheReadTokens / PER_MILLION * prices.effectiveCacheRead() * multipliers.input();
        double cacheWrite = cacheWriteTokens / PER_MILLION * prices.effectiveCacheWrite() * multipliers.input();
        // Parts are zero or more, so a finite sum means finite parts; an overflow (to infinity, or
        // NaN from infinity times a zero multiplier) leaves the sum not finite.
        double total = input + output + cacheRead + cacheWrite;
        if (!Double.isFinite(total)) {
            return Optional.empty();
        }
        return Optional.of(new Cost(Money.round(cacheRead), Money.round(cacheWrite), Money.round(total)));
    }

    /** A price or multiplier a request can be billed at: a finite number, zero or more (NaN is neither). */
    static boolean chargeable(double value) {
        return Double.isFinite(value) && value >= 0;
    }
}
