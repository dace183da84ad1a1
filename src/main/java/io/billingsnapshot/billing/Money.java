package io.billingsnapshot.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The one rounding rule for costs and quota amounts: half-up to 10 decimal places. */
public final class Money {

    public static final int SCALE = 10;

    private Money() {
    }

    /**
     * The cost rounded to {@link #SCALE} decimals. {@code BigDecimal.valueOf} takes the
     * double's shortest decimal form ({@code Double.toString}), not its exact binary expansion,
     * so a value is rounded as it prints.
     *
     * @throws IllegalArgumentException for NaN or an infinite cost: only absurd catalog
     *     prices produce one, and storing it would poison every quota sum downstream
     */
    public static BigDecimal toAmount(double cost) {
        return toAmount(exact(cost));
    }

    /** An exact amount (a sum of exact costs, say) rounded to {@link #SCALE} decimals. */
    public static BigDecimal toAmount(BigDecimal exact) {
        return exact.setScale(SCALE, RoundingMode.HALF_UP);
    }

    /** The double's shortest decimal form, unrounded; rejects NaN and infinities like {@link #toAmount}. */
    public static BigDecimal exact(double cost) {
        if (!Double.isFinite(cost)) {
            throw new IllegalArgumentException("cost is not a finite number: " + cost
                    + " (check the model's prices and the upstream's multipliers)");
        }
        return BigDecimal.valueOf(cost);
    }

    /** {@link #toAmount} as the double the snapshot's double precision columns store. */
    public static double round(double cost) {
        return toAmount(cost).doubleValue();
    }
}
