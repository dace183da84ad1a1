package io.billingsnapshot.billing;

import io.billingsnapshot.wire.WireName;

/** The {@code billing_status} column. */
public enum BillingStatus implements WireName {
    BILLED,
    UNBILLED;

    public static BillingStatus fromWireName(String name) {
        return WireName.find(BillingStatus.class, name)
                .orElseThrow(() -> new IllegalArgumentException("unknown billing status: " + name));
    }
}
