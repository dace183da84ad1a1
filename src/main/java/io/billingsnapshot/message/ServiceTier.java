package io.billingsnapshot.message;

import java.util.Optional;

/** A request's service tier as the gateway reports it. */
public enum ServiceTier {
    STANDARD("standard"),
    FAST("fast"),
    UNKNOWN("unknown");

    private final String wireName;

    ServiceTier(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in messages and in the snapshot columns. */
    public String wireName() {
        return wireName;
    }

    public static Optional<ServiceTier> fromWireName(String name) {
        for (ServiceTier tier : values()) {
            if (tier.wireName.equals(name)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
