package io.billingsnapshot.billing;

/** The upstream's billing multipliers; a request without an upstream is billed at 1 and 1. */
public record Multipliers(double input, double output) {
    public static final Multipliers NONE = new Multipliers(1, 1);

    /** Both are finite numbers, zero or more. */
    boolean valid() {
        return Cost.chargeable(input) && Cost.chargeable(output);
    }
}
