package io.billingsnapshot.billing;

import java.util.Locale;

/** The nullable foreign-key columns of a snapshot, which a concurrent delete may set NULL. */
public enum ReferenceColumn {
    API_KEY,
    UPSTREAM,
    USER;

    /** {@code api_key_id}, {@code upstream_id}, {@code user_id}. */
    public String columnName() {
        return name().toLowerCase(Locale.ROOT) + "_id";
    }
}
