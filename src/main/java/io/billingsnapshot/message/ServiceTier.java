package io.billingsnapshot.message;

import io.billingsnapshot.wire.WireName;
import java.util.Optional;

/** A request's service tier as the gateway reports it, by the wire name messages and snapshot columns use. */
public enum ServiceTier implements WireName {
    STANDARD,
    FAST,
    UNKNOWN;

    public static Optional<ServiceTier> fromWireName(String name) {
        return WireName.find(ServiceTier.class, name);
    }
}
