package io.billingsnapshot.billing;

import java.util.Optional;

/** Why a snapshot is {@code unbilled}: the {@code unbillable_reason} column. */
public enum UnbillableReason {
    MODEL_MISSING("model_missing"),
    USAGE_MISSING("usage_missing"),
    PRICE_NOT_FOUND("price_not_found"),
    /** A resolved price or a multiplier is negative or not a finite number, or the cost they give is not finite. */
    PRICE_INVALID("price_invalid");

    private final String wireName;

    UnbillableReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The reason a stored {@code unbillable_reason} names; empty for null or a name this service does not write. */
    public static Optional<UnbillableReason> fromWireName(String wireName) {
        for (UnbillableReason reason : values()) {
            if (reason.wireName.equals(wireName)) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }
}
