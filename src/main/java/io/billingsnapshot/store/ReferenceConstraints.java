package io.billingsnapshot.store;

import io.billingsnapshot.db.SqlStates;

import io.billingsnapshot.billing.ReferenceColumn;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot table's foreign keys on nullable reference columns, by the names the
 * gateway's migrations give them (docs/design.md §4). Only these are retried with NULL; the
 * {@code request_log_id} constraint and any unknown one fail the record.
 */
public final class ReferenceConstraints {

    private static final Map<String, ReferenceColumn> BY_NAME = Map.of(
            "request_billing_snapshots_api_key_id_api_keys_id_fk", ReferenceColumn.API_KEY,
            "request_billing_snapshots_upstream_id_upstreams_id_fk", ReferenceColumn.UPSTREAM,
            "request_billing_snapshots_user_id_users_id_fk", ReferenceColumn.USER);

    private ReferenceConstraints() {
    }

    /** The column to set NULL for this error, if it is a violation of one of our nullable references. */
    public static Optional<ReferenceColumn> nullableColumnViolated(Throwable error) {
        return SqlStates.violatedForeignKey(error).map(BY_NAME::get);
    }
}
