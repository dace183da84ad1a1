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

    /** The batch form of {@link #ADD}: one row per delta, zipped from three arrays. */
    private static final String ADD_ALL = """
            INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
            SELECT delta_id, request_log_id, payload, ?, ?
            FROM unnest(?::uuid[], ?::uuid[], ?::text[]) AS delta (delta_id, request_log_id, payload)""";

    // The outbox's row count rides along with the claim (one row even when nothing is claimed),
    // so that a sweep costs one statement and its commit.
    private static final String CLAIM = """
            WITH claimed AS (
                UPDATE billing_quota_delta_outbox
                SET available_at = ?, attempts = attempts + 1
                WHERE delta_id IN (
                    SELECT delta_id FROM billing_quota_delta_outbox
                    WHERE available_at <= ?
                    ORDER BY available_at
                    LIMIT ?
                    FOR UPDATE SKIP LOCKED)
                RETURNING payload)
            SELECT outbox.pending, claimed.payload
            FROM (SELECT count(*) AS pending FROM billing_quota_delta_outbox) AS outbox
            LEFT JOIN claimed ON true""";

    private static final String RELEASE = """
            UPDATE billing_quota_delta_outbox SET available_at = ? WHERE delta_id = ANY (?)""";

    private static final String DELETE = "DELETE FROM billing_quota_delta_outbox WHERE delta_id = ANY (?)";

    private static final String COUNT = "SELECT count(*) FROM billing_quota_delta_outbox";

    /** The deltas a sweep claimed, and how many rows the outbox held as they were claimed (them included). */
    public record Claim(List<QuotaDelta> deltas, long pending) {
    }

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

    /** Adds the deltas of a whole batch with one statement; see {@link #add}. */
    public void addAll(Connection c, List<QuotaDelta> deltas, Instant now, Duration lease) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        Object[] deltaIds = new Object[deltas.size()];
        Object[] requestLogIds = new Object[deltas.size()];
        String[] payloads = new String[deltas.size()];
        for (int i = 0; i < deltas.size(); i++) {
            deltaIds[i] = deltas.get(i).deltaId();
            requestLogIds[i] = deltas.get(i).requestLogId();
            payloads[i] = DeltaJson.write(deltas.get(i));
        }
        try (PreparedStatement ps = c.prepareStatement(ADD_ALL)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.plus(lease)));
            ps.setArray(3, c.createArrayOf("uuid", deltaIds));
            ps.setArray(4, c.createArrayOf("uuid", requestLogIds));
            ps.setArray(5, c.createArrayOf("text", payloads));
            ps.executeUpdate();
        }
    }

    /** Claims up to {@code limit} deltas whose lease has passed, leasing them again from {@code now}. */
    public Claim claimPending(Connection c, Instant now, Duration lease, int limit) throws SQLException {
        List<QuotaDelta> claimed = new ArrayList<>();
        long pending = 0;
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setTimestamp(1, Timestamp.from(now.plus(lease)));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending = rs.getLong(1);
                    String payload = rs.getString(2);
                    if (payload != null) {
                        claimed.add(DeltaJson.read(payload));
                    }
                }
            }
        }
        return new Claim(claimed, pending);
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
