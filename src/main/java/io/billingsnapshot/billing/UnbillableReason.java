package io.billingsnapshot.billing;

import io.billingsnapshot.wire.WireName;
import java.util.Optional;

/** Why a snapshot is {@code unbilled}: the {@code unbillable_reason} column. */
public enum UnbillableReason implements WireName {
    MODEL_MISSING,
    USAGE_MISSING,
    PRICE_NOT_FOUND,
    /** A resolved price or a multiplier is negative or not a finite number, or the cost they give is not finite. */
    PRICE_INVALID;

    /** The reason a stored {@code unbillable_reason} names; empty for null or a name this service does not write. */
    public static Optional<UnbillableReason> fromWireName(String wireName) {
        return WireName.find(UnbillableReason.class, wireName);
    }
}
