package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.db.StatementTimeout;
import io.billingsnapshot.time.TimeBudget;
import io.billingsnapshot.wire.WireName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The quota-delta outbox ({@code billing_quota_delta_outbox}, migrations V1 to V3). A delta is
 * added in its snapshot's transaction with a lease that reserves it for the invocation that
 * wrote it; once the lease has passed, any invocation may claim it. Claiming moves the lease
 * forward under {@code FOR UPDATE SKIP LOCKED}, so two invocations never publish the same row
 * at once and no transaction stays open while SQS is called. A delta that can never be
 * published is quarantined (set aside, V2) rather than retried forever.
 *
 * <p>Every statement reads a bounded number of rows whatever the number of pending deltas (V1's
 * lease index, V3's indexes), so a backlog of any size drains under the role's
 * {@code statement_timeout}; and every statement carries the time-left bound its caller gives.
 * Methods do not commit.
 */
public final class Outbox {

    /** Pending and set-aside deltas are counted exactly up to this many; beyond, pending is an estimate. */
    public static final int COUNTED_UP_TO = 1_000;

    /** One row per delta, zipped from three arrays. */
    private static final String ADD_ALL = """
            INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
            SELECT delta_id, request_log_id, payload, ?, ?
            FROM unnest(?::uuid[], ?::uuid[], ?::text[]) AS delta (delta_id, request_log_id, payload)""";

    // The outbox's state, each part a bounded scan: rows counted up to a cap (with the
    // statistics' live-row estimate for when there are more) and the set-aside ones likewise,
    // found at the end of the lease index (their lease is 'infinity').
    private static final String STATE = """
            (SELECT count(*) FROM (SELECT FROM billing_quota_delta_outbox LIMIT ?) AS counted) AS all_rows,
            pg_stat_get_live_tuples('billing_quota_delta_outbox'::regclass) AS live_rows,
            (SELECT count(*) FROM (SELECT FROM billing_quota_delta_outbox
                                   WHERE available_at = 'infinity' LIMIT ?) AS counted) AS quarantined""";

    // Leases in order (V1's index on available_at): the rows still under lease and the set-aside
    // ones lie beyond the claim's range, so it reads only the rows it takes. The pending deltas
    // of the given requests that were tried before (a redelivery's) are claimed as well, at once.
    // The state rides along (one row even when nothing is claimed), seen as it was before the
    // claim; the oldest pending delta is split into claimed and not, because the claimed ones may
    // be published now.
    // Written so that every plan stays a bounded index scan even without statistics (an outbox
    // that grew fast since its last ANALYZE): each CTE has one indexable condition, and the
    // update finds its rows by key from an array, never by a join the planner could turn into a
    // scan of the table. Package-visible, like STATS, for the test that reads their plans.
    static final String CLAIM = String.format(Locale.ROOT, """
            WITH oldest AS (
                SELECT delta_id FROM billing_quota_delta_outbox
                WHERE available_at <= ?
                ORDER BY available_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED),
            of_requests AS (
                SELECT delta_id, available_at FROM billing_quota_delta_outbox
                WHERE request_log_id = ANY (ARRAY(SELECT unnest(?::uuid[]))) AND attempts > 0
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE billing_quota_delta_outbox
                SET available_at = ?, attempts = attempts + 1
                WHERE delta_id = ANY (ARRAY(SELECT delta_id FROM oldest
                                            UNION SELECT delta_id FROM of_requests WHERE available_at <= ?))
                RETURNING delta_id, payload, created_at)
            SELECT %s,
                   (SELECT created_at FROM billing_quota_delta_outbox
                    WHERE quarantined_at IS NULL AND delta_id NOT IN (SELECT delta_id FROM claimed)
                    ORDER BY created_at LIMIT 1) AS oldest_unclaimed,
                   claimed.delta_id, claimed.payload, claimed.created_at
            FROM (VALUES (1)) AS one
            LEFT JOIN claimed ON true""", STATE);

    static final String STATS = String.format(Locale.ROOT, """
            SELECT %s,
                   (SELECT min(created_at) FROM billing_quota_delta_outbox WHERE quarantined_at IS NULL) AS oldest""",
            STATE);

    /** A released delta has been tried: it enters V3's index of tried deltas by request, which a redelivery looks in. */
    private static final String RELEASE = """
            UPDATE billing_quota_delta_outbox SET available_at = ?, attempts = attempts + 1 WHERE delta_id = ANY (?)""";

    private static final String DELETE = "DELETE FROM billing_quota_delta_outbox WHERE delta_id = ANY (?)";

    /** A lease that never ends takes a set-aside row out of every claim's range. */
    private static final String QUARANTINE = """
            UPDATE billing_quota_delta_outbox SET quarantined_at = ?, quarantine_reason = ?, available_at = 'infinity'
            WHERE delta_id = ANY (?)""";

    /** Why a delta was set aside: its wire name is the {@code quarantine_reason} column's value. */
    public enum QuarantineReason implements WireName {
        UNREADABLE_PAYLOAD,
        REFUSED_BY_SQS
    }

    /**
     * What a claim took: the deltas, when each was written, the rows set aside because their
     * payload cannot be read (with why), and the outbox as it was just before (claimed rows still
     * pending, {@code oldestCreatedAt} over the rows not claimed).
     */
    public record Claim(List<QuotaDelta> deltas, Map<UUID, Instant> createdAt, Map<UUID, String> unreadable,
            Stats before) {
    }

    /**
     * The outbox as one statement saw it: pending deltas (quarantined ones excluded), when the
     * oldest of them was written, and how many are set aside. Both counts are exact up to
     * {@link #COUNTED_UP_TO}; past it, {@code pending} is PostgreSQL's live-row estimate (never
     * less than the cap) and {@code quarantined} the cap plus one.
     */
    public record Stats(long pending, Optional<Instant> oldestCreatedAt, long quarantined) {

        /** Age of the oldest pending delta at {@code now}; zero when none is pending. */
        public Duration oldestAge(Instant now) {
            return oldestCreatedAt.map(created -> TimeBudget.left(created, now))
                    .orElse(Duration.ZERO);
        }
    }

    /** Adds the deltas of a whole batch with one statement, each leased to its writer for {@code lease}. */
    public void addAll(Connection c, List<QuotaDelta> deltas, Instant now, Duration lease, Duration timeout)
            throws SQLException {
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
            StatementTimeout.set(ps, timeout);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.plus(lease)));
            ps.setArray(3, c.createArrayOf("uuid", deltaIds));
            ps.setArray(4, c.createArrayOf("uuid", requestLogIds));
            ps.setArray(5, c.createArrayOf("text", payloads));
            ps.executeUpdate();
        }
    }

    /**
     * Claims up to {@code limit} pending deltas whose lease has passed, the oldest leases first,
     * and every such delta of {@code requestLogIds} tried before, leasing them again from
     * {@code now}. A claimed row whose payload cannot be read is set aside at once, so that it
     * never blocks the others.
     */
    public Claim claimPending(Connection c, Collection<UUID> requestLogIds, Instant now, Duration lease, int limit,
            Duration timeout) throws SQLException {
        List<QuotaDelta> claimed = new ArrayList<>();
        Map<UUID, Instant> createdAt = new HashMap<>();
        Map<UUID, String> unreadable = new HashMap<>();
        Stats before = null;
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            StatementTimeout.set(ps, timeout);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, limit);
            ps.setArray(3, uuids(c, requestLogIds));
            ps.setTimestamp(4, Timestamp.from(now.plus(lease)));
            ps.setTimestamp(5, Timestamp.from(now));
            bindState(ps, 6);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    before = stats(rs);
                    UUID deltaId = rs.getObject("delta_id", UUID.class);
                    if (deltaId == null) {
                        continue; // nothing claimed: the one row carries the state only
                    }
                    createdAt.put(deltaId, rs.getTimestamp("created_at").toInstant());
                    try {
                        claimed.add(DeltaJson.read(rs.getString("payload")));
                    } catch (IllegalArgumentException e) {
                        unreadable.put(deltaId, e.getMessage());
                    }
                }
            }
        }
        quarantine(c, unreadable.keySet(), QuarantineReason.UNREADABLE_PAYLOAD, now, timeout);
        return new Claim(claimed, createdAt, unreadable, before);
    }

    /** Sets deltas aside: no sweep claims them again, and they no longer count as pending. */
    public void quarantine(Connection c, Collection<UUID> deltaIds, QuarantineReason reason, Instant now,
            Duration timeout) throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(QUARANTINE)) {
            StatementTimeout.set(ps, timeout);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, reason.wireName());
            ps.setArray(3, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    public Stats stats(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATS)) {
            StatementTimeout.set(ps, timeout);
            bindState(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return stats(rs);
            }
        }
    }

    private static void bindState(PreparedStatement ps, int from) throws SQLException {
        ps.setInt(from, COUNTED_UP_TO + 1);
        ps.setInt(from + 1, COUNTED_UP_TO + 1);
    }

    /** The state's columns, and the oldest pending delta's creation in the column after them (column 4). */
    private static Stats stats(ResultSet rs) throws SQLException {
        long quarantined = rs.getLong("quarantined");
        long rows = rs.getLong("all_rows");
        long pending = rows <= COUNTED_UP_TO ? rows - quarantined
                : Math.max(COUNTED_UP_TO + 1 - quarantined, rs.getLong("live_rows") - quarantined);
        Timestamp oldest = rs.getTimestamp(4);
        return new Stats(Math.max(0, pending), Optional.ofNullable(oldest).map(Timestamp::toInstant), quarantined);
    }

    /** Ends the lease of deltas whose publishing failed, so the next claim may take them at once. */
    public void release(Connection c, Collection<UUID> deltaIds, Instant now, Duration timeout) throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
            StatementTimeout.set(ps, timeout);
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    /** Removes deltas SQS accepted. */
    public void delete(Connection c, Collection<UUID> deltaIds, Duration timeout) throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            StatementTimeout.set(ps, timeout);
            ps.setArray(1, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    private static Array uuids(Connection c, Collection<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
