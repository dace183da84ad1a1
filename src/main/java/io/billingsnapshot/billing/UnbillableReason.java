package io.billingsnapshot.billing;

import io.billingsnapshot.wire.WireName;

/** Why a snapshot is {@code unbilled}: the {@code unbillable_reason} column. */
public enum UnbillableReason implements WireName {
    MODEL_MISSING,
    USAGE_MISSING,
    PRICE_NOT_FOUND
}
