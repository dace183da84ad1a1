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

    /*
     * One row per request, zipped from one array per column, in two parts. New rows (requests
     * whose stored row the caller did not lock) are inserted first, in id order like every lock,
     * and a row another transaction committed after our locking read is left alone without being
     * locked or waited for (DO NOTHING). Then the locked rows are replaced unless newer; we hold
     * their locks, so this part never waits. Thus a transaction waits on others only while it
     * locks (ordered by id) or inserts (ordered by id) and never once it has changed a row that
     * exists, so overlapping invocations wait for each other and never deadlock (docs/design.md
     * §8). Data-modifying CTEs run as the outer query reads them: inserted, then replaced.
     * RETURNING reports what the database wrote, after any trigger: a row a trigger skipped, or
     * one left alone, is not there.
     */
    static final String UPSERT = """
            WITH incoming AS (
                SELECT i.*, ?::timestamptz AS created_at, i.request_log_id = ANY (?) AS locked
                FROM unnest(:arrays) AS i(:columns)
            ),
            inserted AS (
                INSERT INTO request_billing_snapshots (:columns, created_at)
                SELECT :columns, created_at FROM incoming WHERE NOT locked ORDER BY request_log_id
                ON CONFLICT (request_log_id) DO NOTHING
                RETURNING :quota
            ),
            replaced AS (
                INSERT INTO request_billing_snapshots (:columns, created_at)
                SELECT :columns, created_at FROM incoming WHERE locked
                ON CONFLICT (request_log_id) DO UPDATE SET :updates
                WHERE request_billing_snapshots.billed_at <= EXCLUDED.billed_at
                RETURNING :quota
            )
            SELECT * FROM inserted
            UNION ALL
            SELECT * FROM replaced"""
            .replace(":arrays", SnapshotColumns.arrayParameters())
            .replace(":columns", SnapshotColumns.names())
            .replace(":updates", SnapshotColumns.updateAll())
            .replace(":quota", QUOTA_COLUMNS);

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
     * Inserts the row of each request the caller did not lock, or replaces the locked row of its
     * request unless that one is newer.
     *
     * @param rows at most one per request, in any order
     * @param locked the requests whose stored row the caller holds locked
     * @return the rows written, as the database reports them, by request; a request whose row
     *     another transaction committed after the caller's locking read is not among them
     */
    public Map<UUID, BilledAmount> upsert(Connection c, List<Snapshot> rows, Collection<UUID> locked, Instant now,
            Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            StatementTimeout.set(ps, timeout);
            int i = 0;
            Jdbc.setInstant(ps, ++i, now);
            Jdbc.setUuids(c, ps, ++i, locked);
            for (SnapshotColumns.Column column : SnapshotColumns.ALL) {
                ps.setArray(++i, c.createArrayOf(column.sqlType(), SnapshotColumns.values(column, rows)));
            }
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
