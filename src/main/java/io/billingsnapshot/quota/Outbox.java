package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The quota-delta outbox ({@code billing_quota_delta_outbox}, migration V1). A delta is
 * added in its snapshot's transaction with a lease that reserves it for the invocation that
 * wrote it; once the lease has passed, any invocation may claim it. Claiming moves the lease
 * forward under {@code FOR UPDATE SKIP LOCKED}, so two invocations never publish the same row
 * at once and no transaction stays open while SQS is called. Methods do not commit.
 */
public final class Outbox {

    private static final String ADD = """
            INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
            VALUES (?, ?, ?, ?, ?)""";

    private static final String CLAIM = """
            UPDATE billing_quota_delta_outbox
            SET available_at = ?, attempts = attempts + 1
            WHERE delta_id IN (
                SELECT delta_id FROM billing_quota_delta_outbox
                WHERE available_at <= ?
                ORDER BY available_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            RETURNING payload""";

    private static final String RELEASE = """
            UPDATE billing_quota_delta_outbox SET available_at = ? WHERE delta_id = ANY (?)""";

    private static final String DELETE = "DELETE FROM billing_quota_delta_outbox WHERE delta_id = ANY (?)";

    private static final String COUNT = "SELECT count(*) FROM billing_quota_delta_outbox";

    public void add(Connection c, QuotaDelta delta, Instant now, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADD)) {
            ps.setObject(1, delta.deltaId(), Types.OTHER);
            ps.setObject(2, delta.requestLogId(), Types.OTHER);
            ps.setString(3, DeltaJson.write(delta));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now.plus(lease)));
            ps.executeUpdate();
        }
    }

    /** Claims up to {@code limit} deltas whose lease has passed, leasing them again from {@code now}. */
    public List<QuotaDelta> claimPending(Connection c, Instant now, Duration lease, int limit) throws SQLException {
        List<QuotaDelta> claimed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setTimestamp(1, Timestamp.from(now.plus(lease)));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(DeltaJson.read(rs.getString(1)));
                }
            }
        }
        return claimed;
    }

    /** Ends the lease of deltas whose publishing failed, so the next invocation retries them at once. */
    public void release(Connection c, Collection<UUID> deltaIds, Instant now) throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    /** Removes deltas SQS accepted. */
    public void delete(Connection c, Collection<UUID> deltaIds) throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setArray(1, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    public long countPending(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Array uuids(Connection c, Collection<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
