package io.billingsnapshot.billing;

public enum BillingStatus {
    BILLED("billed"),
    UNBILLED("unbilled");

    private final String wireName;

    BillingStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static BillingStatus fromWireName(String name) {
        for (BillingStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown billing status: " + name);
    }
}
