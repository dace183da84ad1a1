package io.billingsnapshot.store;

import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.postgresql.jdbc.PgStatement;

/**
 * The fast path's statements: each one does for a whole batch what {@link RequestLogs} and
 * {@link SnapshotTable} do for one request, with the ids and values bound as arrays. None
 * commits; the caller's transaction holds them together.
 */
public final class SnapshotBatchSql {

    /** A request log's current references and its upstream's multipliers (1 and 1 without one). */
    public record RequestRow(References references, Multipliers multipliers) {
    }

    private static final String READ_REQUESTS = """
            SELECT r.id, r.api_key_id, r.upstream_id, r.user_id,
                   u.billing_input_multiplier, u.billing_output_multiplier
            FROM request_logs r
            LEFT JOIN upstreams u ON u.id = r.upstream_id
            WHERE r.id = ANY (?)""";

    // Locked in id order, so two batches sharing requests wait for each other instead of deadlocking.
    private static final String LOCK_PREVIOUS = """
            SELECT request_log_id, api_key_id, upstream_id, billing_status, final_cost, billed_at
            FROM request_billing_snapshots
            WHERE request_log_id = ANY (?)
            ORDER BY request_log_id
            FOR UPDATE""";

    /**
     * One row per request, zipped from one array per column (the order of {@link SnapshotTable#COLUMNS}).
     * A conflicting row is replaced only when it is not newer (stale messages are filtered here)
     * and only when it is one the caller locked: a row another transaction inserted after our
     * locking read is left alone and missing from RETURNING, which the caller treats as an anomaly.
     */
    private static final String UPSERT = "INSERT INTO request_billing_snapshots (" + SnapshotTable.COLUMNS + ")"
            + """

            SELECT incoming.*, ?::timestamptz
            FROM unnest(
                ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::varchar[],
                ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                ?::float8[], ?::float8[],
                ?::float8[], ?::float8[],
                ?::varchar[], ?::varchar[], ?::int4[],
                ?::int4[], ?::int4[], ?::float8[], ?::float8[],
                ?::int4[], ?::int4[], ?::int4[], ?::int4[], ?::int4[],
                ?::float8[], ?::float8[], ?::float8[], ?::varchar[], ?::timestamptz[]) AS incoming
            ON CONFLICT (request_log_id) DO UPDATE SET
            """ + SnapshotTable.UPDATE_ALL + """

            WHERE request_billing_snapshots.billed_at <= EXCLUDED.billed_at
              AND request_billing_snapshots.request_log_id = ANY (?)
            RETURNING request_log_id""";

    /** The array of each column, in the order of the unnest above. */
    private static final List<Column> COLUMNS = List.of(
            new Column("uuid", Snapshot::requestLogId),
            new Column("uuid", s -> s.references().apiKeyId()),
            new Column("uuid", s -> s.references().userId()),
            new Column("uuid", s -> s.references().upstreamId()),
            new Column("varchar", Snapshot::model),
            new Column("varchar", Snapshot::requestedServiceTier),
            new Column("varchar", Snapshot::effectiveServiceTier),
            new Column("varchar", s -> s.billingStatus().wireName()),
            new Column("varchar", Snapshot::unbillableReason),
            new Column("varchar", Snapshot::priceSource),
            new Column("float8", Snapshot::baseInputPricePerMillion),
            new Column("float8", Snapshot::baseOutputPricePerMillion),
            new Column("float8", Snapshot::baseCacheReadInputPricePerMillion),
            new Column("float8", Snapshot::baseCacheWriteInputPricePerMillion),
            new Column("varchar", Snapshot::matchedRuleType),
            new Column("varchar", Snapshot::matchedRuleDisplayLabel),
            new Column("int4", Snapshot::appliedTierThreshold),
            new Column("int4", Snapshot::modelMaxInputTokens),
            new Column("int4", Snapshot::modelMaxOutputTokens),
            new Column("float8", Snapshot::inputMultiplier),
            new Column("float8", Snapshot::outputMultiplier),
            new Column("int4", Snapshot::promptTokens),
            new Column("int4", Snapshot::completionTokens),
            new Column("int4", Snapshot::totalTokens),
            new Column("int4", Snapshot::cacheReadTokens),
            new Column("int4", Snapshot::cacheWriteTokens),
            new Column("float8", Snapshot::cacheReadCost),
            new Column("float8", Snapshot::cacheWriteCost),
            new Column("float8", Snapshot::finalCost),
            new Column("varchar", Snapshot::currency),
            // As pgjdbc binds one Timestamp (same calendar), pre-rounded: inside an array the
            // server would round the nanoseconds itself, half to even.
            new Column("timestamptz", s -> Timestamp.from(asStored(s.billedAt()))));

    private record Column(String type, Function<Snapshot, Object> value) {
    }

    /**
     * The instant as a {@code timestamptz} column stores it when pgjdbc binds it one at a time
     * ({@link SnapshotTable}): microseconds, rounded half up.
     */
    public static Instant asStored(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond(), (instant.getNano() + 500L) / 1_000 * 1_000);
    }

    /** The request logs that exist among {@code ids}, with their upstream's multipliers. */
    public Map<UUID, RequestRow> readRequests(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, RequestRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(READ_REQUESTS)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Double in = Jdbc.nullableDouble(rs, "billing_input_multiplier");
                    Multipliers multipliers = in == null
                            ? Multipliers.NONE
                            : new Multipliers(in, rs.getDouble("billing_output_multiplier"));
                    rows.put(Jdbc.uuid(rs, "id"), new RequestRow(new References(Jdbc.uuid(rs, "api_key_id"),
                            Jdbc.uuid(rs, "upstream_id"), Jdbc.uuid(rs, "user_id")), multipliers));
                }
            }
        }
        return rows;
    }

    /** The stored rows of these requests, locked until the transaction ends; waits at most {@code timeout}. */
    public Map<UUID, BilledAmount> lockPrevious(Connection c, Collection<UUID> ids, Duration timeout)
            throws SQLException {
        Map<UUID, BilledAmount> previous = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK_PREVIOUS)) {
            limit(ps, timeout);
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    previous.put(Jdbc.uuid(rs, "request_log_id"), SnapshotTable.billedAmount(rs));
                }
            }
        }
        return previous;
    }

    /**
     * Inserts each row, or replaces the locked row of its request unless that one is newer.
     *
     * @param rows at most one per request
     * @param locked the requests whose stored row the caller holds locked
     * @return the requests whose row was written
     */
    public Set<UUID> upsert(Connection c, List<Snapshot> rows, Collection<UUID> locked, Instant now, Duration timeout)
            throws SQLException {
        Set<UUID> written = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            limit(ps, timeout);
            int i = 0;
            Jdbc.setInstant(ps, ++i, now);
            for (Column column : COLUMNS) {
                Object[] values = new Object[rows.size()];
                for (int r = 0; r < values.length; r++) {
                    values[r] = column.value().apply(rows.get(r));
                }
                ps.setArray(++i, c.createArrayOf(column.type(), values));
            }
            ps.setArray(++i, c.createArrayOf("uuid", locked.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    written.add(Jdbc.uuid(rs, "request_log_id"));
                }
            }
        }
        return written;
    }

    /** pgjdbc cancels the statement when it runs longer (a lock wait), failing it with SQLState 57014. */
    private static void limit(PreparedStatement ps, Duration timeout) throws SQLException {
        ps.unwrap(PgStatement.class).setQueryTimeoutMs(Math.max(1, timeout.toMillis()));
    }
}
