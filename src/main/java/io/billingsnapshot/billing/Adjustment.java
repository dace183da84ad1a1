package io.billingsnapshot.billing;

import io.billingsnapshot.wire.WireName;
import java.math.BigDecimal;
import java.util.UUID;

/** A signed quota change for one API key or upstream; exact to 10 decimal places once netted. */
public record Adjustment(Scope scope, UUID id, BigDecimal amount) {

    /** The {@code scope} of a published adjustment. */
    public enum Scope implements WireName {
        API_KEY,
        UPSTREAM
    }
}
