package io.billingsnapshot.message;

import io.billingsnapshot.wire.WireName;
import java.util.Optional;

/** A request's service tier as the gateway reports it; its wire name is used in messages and in the snapshot columns. */
public enum ServiceTier implements WireName {
    STANDARD,
    FAST,
    UNKNOWN;

    public static Optional<ServiceTier> fromWireName(String name) {
        return WireName.find(ServiceTier.class, name);
    }
}
