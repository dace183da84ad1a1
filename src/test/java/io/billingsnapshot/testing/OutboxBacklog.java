package io.billingsnapshot.testing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.BitSet;
import java.util.UUID;

/**
 * Pending deltas made in the outbox's own format, as a long quota-queue outage leaves them: one
 * statement per range, each row a delta of {@link #AMOUNT} to {@link #API_KEY} whose deltaId
 * encodes its number, so that a consumer can tick every one off in a {@link Tally}. Rows are
 * written a microsecond apart from {@code oldest}, their lease already over.
 */
public final class OutboxBacklog {

    public static final UUID API_KEY = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    public static final BigDecimal AMOUNT = new BigDecimal("0.0001000000");
    private static final long ID_PREFIX = 0x0000_0000_0000_4000L;
    private static final long ID_VARIANT = 0x8000_0000_0000_0000L;

    private static final String INSERT = """
            INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
            SELECT d.delta_id, d.request_log_id,
                   format('{"deltaId":"%s","requestLogId":"%s","billedAt":"2026-11-30T11:00:00Z","currency":"USD",'
                          '"adjustments":[{"scope":"api_key","id":"%s","amount":0.0001}]}',
                          d.delta_id, d.request_log_id, ?::uuid),
                   d.created_at, d.created_at
            FROM (SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid AS delta_id,
                         gen_random_uuid() AS request_log_id,
                         ?::timestamptz + n * interval '1 microsecond' AS created_at
                  FROM generate_series(?::bigint, ?::bigint) AS n) AS d""";

    private OutboxBacklog() {
    }

    /** Adds the deltas numbered {@code from} to {@code to} (both included), in one committed statement. */
    public static void add(TestDatabase.Db db, long from, long to, Instant oldest) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            c.setAutoCommit(true);
            ps.setObject(1, API_KEY);
            ps.setTimestamp(2, Timestamp.from(oldest));
            ps.setLong(3, from);
            ps.setLong(4, to);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The deltaId of backlog delta number {@code n}. */
    public static UUID deltaId(long n) {
        return new UUID(ID_PREFIX, ID_VARIANT | n);
    }

    /** Which backlog deltas arrived, and which arrived more than once. */
    public static final class Tally {
        private final BitSet seen = new BitSet();
        private long duplicates;
        private long foreign;

        /** Ticks one delta off; a deltaId not of the backlog is counted apart. */
        public synchronized void arrived(UUID deltaId) {
            long n = deltaId.getLeastSignificantBits() & ~ID_VARIANT;
            if (deltaId.getMostSignificantBits() != ID_PREFIX || n > Integer.MAX_VALUE) {
                foreign++;
            } else if (seen.get((int) n)) {
                duplicates++;
            } else {
                seen.set((int) n);
            }
        }

        /** True when every delta {@code 1..count} arrived, and nothing else (arrivals again aside). */
        public synchronized boolean everyOneArrived(long count) {
            return foreign == 0 && seen.cardinality() == count && seen.nextSetBit(0) == 1 && seen.length() == count + 1;
        }

        /** True when every delta {@code 1..count} arrived, each once, and nothing else. */
        public synchronized boolean exactlyOnce(long count) {
            return duplicates == 0 && everyOneArrived(count);
        }

        public synchronized String summary() {
            return seen.cardinality() + " distinct, " + duplicates + " arrived again, " + foreign + " foreign";
        }
    }
}
