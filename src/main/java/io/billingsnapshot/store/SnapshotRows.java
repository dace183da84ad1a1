package io.billingsnapshot.store;

import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.db.StatementTimeout;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The two statements on {@code request_billing_snapshots}, each for any number of requests: lock
 * the stored rows, and upsert the new ones. Neither commits; the caller's transaction holds them
 * together.
 */
public final class SnapshotRows {

    private static final String QUOTA_COLUMNS = "request_log_id, api_key_id, upstream_id, billing_status, final_cost, billed_at";

    // Locked in id order, so two sets sharing requests wait for each other instead of deadlocking.
    static final String LOCK_PREVIOUS = "SELECT " + QUOTA_COLUMNS + """

            FROM request_billing_snapshots
            WHERE request_log_id = ANY (?)
            ORDER BY request_log_id
            FOR UPDATE""";

    /**
     * One row per request, zipped from one array per column. A conflicting row is replaced only
     * when it is one the caller locked and not newer: a row another transaction inserted after
     * our locking read is left alone. RETURNING reports what the database wrote, after any
     * trigger: a row a trigger skipped is not there.
     */
    static final String UPSERT = "INSERT INTO request_billing_snapshots (" + SnapshotColumns.names()
            + ", created_at)\nSELECT incoming.*, ?::timestamptz\nFROM unnest(" + SnapshotColumns.arrayParameters()
            + ") AS incoming\nON CONFLICT (request_log_id) DO UPDATE SET " + SnapshotColumns.updateAll() + """

            WHERE request_billing_snapshots.billed_at <= EXCLUDED.billed_at
              AND request_billing_snapshots.request_log_id = ANY (?)
            RETURNING\s""" + QUOTA_COLUMNS;

    /** The stored rows of these requests, locked until the transaction ends; waits at most {@code timeout}. */
    public Map<UUID, BilledAmount> lockPrevious(Connection c, Collection<UUID> ids, Duration timeout)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_PREVIOUS)) {
            StatementTimeout.set(ps, timeout);
            Jdbc.setUuids(c, ps, 1, ids);
            return readAmounts(ps);
        }
    }

    /**
     * Inserts each row, or replaces the locked row of its request unless that one is newer.
     *
     * @param rows at most one per request
     * @param locked the requests whose stored row the caller holds locked
     * @return the rows written, as the database reports them, by request
     */
    public Map<UUID, BilledAmount> upsert(Connection c, List<Snapshot> rows, Collection<UUID> locked, Instant now,
            Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            StatementTimeout.set(ps, timeout);
            int i = 0;
            Jdbc.setInstant(ps, ++i, now);
            for (SnapshotColumns.Column column : SnapshotColumns.ALL) {
                ps.setArray(++i, c.createArrayOf(column.sqlType(), SnapshotColumns.values(column, rows)));
            }
            Jdbc.setUuids(c, ps, ++i, locked);
            return readAmounts(ps);
        }
    }

    private static Map<UUID, BilledAmount> readAmounts(PreparedStatement ps) throws SQLException {
        Map<UUID, BilledAmount> rows = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(Jdbc.uuid(rs, "request_log_id"), new BilledAmount(Jdbc.uuid(rs, "api_key_id"),
                        Jdbc.uuid(rs, "upstream_id"), BillingStatus.fromWireName(rs.getString("billing_status")),
                        Jdbc.nullableDouble(rs, "final_cost"), Jdbc.instant(rs, "billed_at")));
            }
        }
        return rows;
    }
}
