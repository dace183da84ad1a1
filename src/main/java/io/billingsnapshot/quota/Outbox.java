package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.time.TimeBudget;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The quota-delta outbox ({@code billing_quota_delta_outbox}, migrations V1 and V2). A delta is
 * added in its snapshot's transaction with a lease that reserves it for the invocation that
 * wrote it; once the lease has passed, any invocation may claim it. Claiming moves the lease
 * forward under {@code FOR UPDATE SKIP LOCKED}, so two invocations never publish the same row
 * at once and no transaction stays open while SQS is called. A delta that can never be
 * published is quarantined (set aside, V2) rather than retried forever. Methods do not commit.
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

    // The outbox's state rides along with the claim (one row even when nothing is claimed), so
    // that a sweep costs one statement and its commit. The subquery sees the rows as they were
    // before the claim; the oldest pending delta is split into claimed and not, because the
    // claimed ones may be published by this sweep.
    private static final String CLAIM = """
            WITH claimed AS (
                UPDATE billing_quota_delta_outbox
                SET available_at = ?, attempts = attempts + 1
                WHERE delta_id IN (
                    SELECT delta_id FROM billing_quota_delta_outbox
                    WHERE available_at <= ? AND quarantined_at IS NULL
                    ORDER BY available_at
                    LIMIT ?
                    FOR UPDATE SKIP LOCKED)
                RETURNING delta_id, payload, created_at)
            SELECT outbox.pending, outbox.oldest_unclaimed, outbox.quarantined,
                   claimed.delta_id, claimed.payload, claimed.created_at
            FROM (SELECT count(*) FILTER (WHERE quarantined_at IS NULL) AS pending,
                         min(created_at) FILTER (WHERE quarantined_at IS NULL
                                                 AND delta_id NOT IN (SELECT delta_id FROM claimed)) AS oldest_unclaimed,
                         count(*) FILTER (WHERE quarantined_at IS NOT NULL) AS quarantined
                  FROM billing_quota_delta_outbox) AS outbox
            LEFT JOIN claimed ON true""";

    private static final String RELEASE = """
            UPDATE billing_quota_delta_outbox SET available_at = ? WHERE delta_id = ANY (?)""";

    private static final String DELETE = "DELETE FROM billing_quota_delta_outbox WHERE delta_id = ANY (?)";

    private static final String QUARANTINE = """
            UPDATE billing_quota_delta_outbox SET quarantined_at = ?, quarantine_reason = ?
            WHERE delta_id = ANY (?)""";

    private static final String STATS = """
            SELECT count(*) FILTER (WHERE quarantined_at IS NULL),
                   min(created_at) FILTER (WHERE quarantined_at IS NULL),
                   count(*) FILTER (WHERE quarantined_at IS NOT NULL)
            FROM billing_quota_delta_outbox""";

    /** Why a delta was set aside (the {@code quarantine_reason} column). */
    public enum QuarantineReason {
        UNREADABLE_PAYLOAD("unreadable_payload"),
        REFUSED_BY_SQS("refused_by_sqs");

        private final String value;

        QuarantineReason(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /**
     * What a sweep claimed: the deltas, when each was written, the rows set aside because their
     * payload cannot be read, and the outbox as it was just before (claimed rows still pending,
     * {@code oldestCreatedAt} over the rows not claimed).
     */
    public record Claim(List<QuotaDelta> deltas, Map<UUID, Instant> createdAt, List<UUID> unreadable,
            Stats before) {
    }

    /**
     * The outbox as one statement saw it: pending deltas (quarantined ones excluded), when the
     * oldest of them was written, and how many are set aside.
     */
    public record Stats(long pending, Optional<Instant> oldestCreatedAt, long quarantined) {

        /** Age of the oldest pending delta at {@code now}; zero when none is pending. */
        public Duration oldestAge(Instant now) {
            return oldestCreatedAt.map(created -> TimeBudget.left(created, now))
                    .orElse(Duration.ZERO);
        }
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

    /**
     * Claims up to {@code limit} pending deltas whose lease has passed, leasing them again from
     * {@code now}. A claimed row whose payload cannot be read is set aside at once, so that it
     * never blocks the others.
     */
    public Claim claimPending(Connection c, Instant now, Duration lease, int limit) throws SQLException {
        List<QuotaDelta> claimed = new ArrayList<>();
        Map<UUID, Instant> createdAt = new HashMap<>();
        List<UUID> unreadable = new ArrayList<>();
        Stats before = null;
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setTimestamp(1, Timestamp.from(now.plus(lease)));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    before = stats(rs);
                    UUID deltaId = rs.getObject(4, UUID.class);
                    if (deltaId == null) {
                        continue; // nothing claimed: the one row carries the state only
                    }
                    createdAt.put(deltaId, rs.getTimestamp(6).toInstant());
                    try {
                        claimed.add(DeltaJson.read(rs.getString(5)));
                    } catch (RuntimeException e) {
                        unreadable.add(deltaId);
                    }
                }
            }
        }
        quarantine(c, unreadable, QuarantineReason.UNREADABLE_PAYLOAD, now);
        return new Claim(claimed, createdAt, unreadable, before);
    }

    /** Sets deltas aside: no sweep claims them again, and they no longer count as pending. */
    public void quarantine(Connection c, Collection<UUID> deltaIds, QuarantineReason reason, Instant now)
            throws SQLException {
        if (deltaIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(QUARANTINE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, reason.value());
            ps.setArray(3, uuids(c, deltaIds));
            ps.executeUpdate();
        }
    }

    public Stats stats(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return stats(rs);
        }
    }

    /** Columns 1 to 3: pending, oldest created_at, quarantined. */
    private static Stats stats(ResultSet rs) throws SQLException {
        Timestamp oldest = rs.getTimestamp(2);
        return new Stats(rs.getLong(1), Optional.ofNullable(oldest).map(Timestamp::toInstant), rs.getLong(3));
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

    private static Array uuids(Connection c, Collection<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
