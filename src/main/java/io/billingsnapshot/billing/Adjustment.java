package io.billingsnapshot.billing;

import java.math.BigDecimal;
import java.util.UUID;

/** A signed quota change for one API key or upstream; exact to 10 decimal places once netted. */
public record Adjustment(Scope scope, UUID id, BigDecimal amount) {

    public enum Scope {
        API_KEY("api_key"),
        UPSTREAM("upstream");

        private final String wireName;

        Scope(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
