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

    /** Every price given is a finite number, zero or more: a price a request can be billed at. */
    boolean valid() {
        return Cost.chargeable(input) && Cost.chargeable(output)
                && (cacheRead == null || Cost.chargeable(cacheRead))
                && (cacheWrite == null || Cost.chargeable(cacheWrite));
    }
}
