package io.billingsnapshot.billing;

/** Why a snapshot is {@code unbilled}: the {@code unbillable_reason} column. */
public enum UnbillableReason {
    MODEL_MISSING("model_missing"),
    USAGE_MISSING("usage_missing"),
    PRICE_NOT_FOUND("price_not_found");

    private final String wireName;

    UnbillableReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
