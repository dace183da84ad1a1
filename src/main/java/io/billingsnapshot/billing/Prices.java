package io.billingsnapshot.billing;

/**
 * Prices per million tokens. Cache prices may be null: they then fall back to the input
 * price when cost is computed, but are stored as null.
 */
public record Prices(double input, double output, Double cacheRead, Double cacheWrite) {

    public double effectiveCacheRead() {
        return cacheRead != null ? cacheRead : input;
    }

    public double effectiveCacheWrite() {
        return cacheWrite != null ? cacheWrite : input;
    }
}
