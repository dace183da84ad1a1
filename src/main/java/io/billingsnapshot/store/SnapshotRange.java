package io.billingsnapshot.store;

import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.db.StatementTimeout;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The stored snapshots of a {@code billed_at} range, walked in chunks by ({@code billed_at},
 * {@code request_log_id}) for re-rating. None of the methods commits.
 *
 * <p>A chunk is taken in two steps. {@link #pick} walks the next rows of the range in walk order
 * without locking and keeps the keys of those that match the filter: the last row it walked is
 * where the next chunk starts, whatever happens to the rows meanwhile. {@link #lock} then locks
 * the kept rows in {@code request_log_id} order, the order the message path locks in, so the two
 * never deadlock; a row a concurrent message changed is read as that message left it, and dropped
 * if it no longer matches the filter.
 *
 * <p>Every statement of a chunk reads a bounded part of the table, whatever the size of the table
 * or of the range, and however few rows the filter matches: a pick walks at most {@code limit}
 * rows of the range along the index {@link #INDEX} (docs/operations.md, "The re-rating index"),
 * and the lock finds rows by {@code request_log_id} only. Without that index every pick reads the
 * whole table; {@link #unboundedPicks} says when that is too much.
 */
public final class SnapshotRange {

    /** Which rows: {@code billed_at} in {@code [from, to)}, of these models (empty: all), only unbilled ones or all. */
    public record Filter(Instant from, Instant to, Set<String> models, boolean onlyUnbilled) {
    }

    /**
     * A row's place in the walk. Its text form is what a re-rate report's {@code next} and a
     * request's {@code after} carry: {@code <billed_at as ISO-8601>/<request_log_id>}, readable by
     * an operator, for example {@code 2026-11-30T10:00:00.123456Z/cccccccc-0000-0000-0000-000000000002}.
     *
     * @param billedAt to the microsecond, the column's precision
     */
    public record Key(Instant billedAt, UUID requestLogId) {

        private static final char SEPARATOR = '/';

        public Key {
            billedAt = billedAt.truncatedTo(ChronoUnit.MICROS);
        }

        /** The key of {@link #toString()}'s form; empty for anything else. */
        public static Optional<Key> parse(String text) {
            int separator = text.lastIndexOf(SEPARATOR);
            if (separator < 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Key(Instant.parse(text.substring(0, separator)),
                        canonicalUuid(text.substring(separator + 1))));
            } catch (DateTimeException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** UUID.fromString accepts short groups ("1-2-3-4-5"); a key's text holds the canonical form only. */
        private static UUID canonicalUuid(String text) {
            UUID id = UUID.fromString(text);
            if (!id.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException("not a canonical uuid");
            }
            return id;
        }

        @Override
        public String toString() {
            return billedAt.toString() + SEPARATOR + requestLogId;
        }
    }

    /**
     * What a pick found: the keys of the matching rows, in walk order; the last row it walked
     * (empty when the range had none left); whether it stopped at its limit, so that more rows
     * may follow.
     */
    public record Picked(List<Key> keys, Optional<Key> last, boolean more) {
    }

    /** A stored row, and the multipliers its upstream has now ({@link Multipliers#NONE} without one). */
    public record StoredRow(Snapshot snapshot, Multipliers multipliers) {
    }

    /** The index that makes a pick a short range scan; the gateway's schema does not have it. */
    public static final String INDEX = "request_billing_snapshots_billed_at_request_log_id_idx";
    /** How the table's owner creates it (src/main/resources/db/optional/, docs/operations.md). */
    public static final String CREATE_INDEX = "CREATE INDEX CONCURRENTLY " + INDEX
            + " ON request_billing_snapshots (billed_at, request_log_id)";
    /**
     * The largest table walked without the index: a scan of this much per chunk stays far below a
     * 5 s {@code statement_timeout} (docs/benchmark.md, "Re-rating at production size": 1.9 GB
     * took 2.5 s a pick, 19 MB 54 ms), on a table small enough to stay in the database's cache.
     */
    public static final long UNINDEXED_LIMIT_BYTES = 128L << 20;

    /** Before every real row: the walk starts here when there is no cursor. */
    private static final UUID LOWEST = new UUID(0, 0);

    // The filter is not a condition of the walk: filtered out, non-matching rows would make a pick
    // read on until it found enough matching ones, however far that is. (Package-private: its
    // plan is tested.)
    static final String PICK = "SELECT billed_at, request_log_id, (" + selected("") + ") AS matches" + """

            FROM request_billing_snapshots
            WHERE (billed_at, request_log_id) > (?, ?) AND\s""" + inRange("") + """

            ORDER BY billed_at, request_log_id
            LIMIT ?""";

    // Rows are found by request_log_id only. With the filter in the WHERE clause the planner may
    // read the whole range through the index on billed_at for every chunk; computed on the row as
    // locked (the newest version, if a concurrent message changed it), it costs nothing.
    static final String LOCK = "SELECT "
            + SnapshotColumns.ALL.stream().map(c -> "s." + c.name()).collect(Collectors.joining(", "))
            + ", u.billing_input_multiplier, u.billing_output_multiplier, (" + inRange("s.") + " AND "
            + selected("s.") + ") AS matches" + """

            FROM request_billing_snapshots s
            LEFT JOIN upstreams u ON u.id = s.upstream_id
            WHERE s.request_log_id = ANY (?)
            ORDER BY s.request_log_id
            FOR UPDATE OF s""";

    /**
     * The table's size and its best index in walk order: valid before any other, a btree without
     * predicate whose first two key columns are {@code billed_at, request_log_id} ascending (any
     * name). An index whose CREATE INDEX CONCURRENTLY failed, was cancelled or still runs is not
     * valid: PostgreSQL does not use it.
     */
    private static final String TABLE = """
            SELECT pg_relation_size(t.oid) AS table_bytes, pg_size_pretty(pg_relation_size(t.oid)) AS table_size,
                   i.indexrelid::regclass::text AS index_name, i.indisvalid AS index_valid
            FROM pg_class t
            LEFT JOIN pg_index i ON i.indrelid = t.oid AND i.indpred IS NULL AND i.indnkeyatts >= 2
                 AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'billed_at')
                 AND i.indkey[1] = (SELECT attnum FROM pg_attribute WHERE attrelid = t.oid AND attname = 'request_log_id')
                 AND i.indoption[0] = 0 AND i.indoption[1] = 0
                 AND (SELECT am.amname FROM pg_class ic JOIN pg_am am ON am.oid = ic.relam
                      WHERE ic.oid = i.indexrelid) = 'btree'
            WHERE t.oid = 'request_billing_snapshots'::regclass
            ORDER BY i.indisvalid DESC NULLS LAST
            LIMIT 1""";

    /** Rows of the range: {@code billed_at} in {@code [from, to)}, the columns prefixed with {@code alias}. */
    private static String inRange(String alias) {
        return alias + "billed_at >= ? AND " + alias + "billed_at < ?";
    }

    /** Rows the filter selects, by model and status, the columns prefixed with {@code alias}. */
    private static String selected(String alias) {
        return "(cardinality(?::text[]) = 0 OR " + alias + "model = ANY (?::text[]))"
                + " AND (NOT ? OR " + alias + "billing_status = 'unbilled')";
    }

    private final long unindexedLimitBytes;

    /** Production: tables up to {@link #UNINDEXED_LIMIT_BYTES} are walked without the index. */
    public SnapshotRange() {
        this(UNINDEXED_LIMIT_BYTES);
    }

    /** Tables up to {@code unindexedLimitBytes} are walked without the index (0: none is). */
    public SnapshotRange(long unindexedLimitBytes) {
        this.unindexedLimitBytes = unindexedLimitBytes;
    }

    /**
     * Why every pick would read the whole table, for the operator, with what to do; empty when a
     * pick reads a bounded part of it: the table has a valid index in walk order, or is small
     * enough that scanning it per chunk costs little. One catalog read.
     */
    public Optional<String> unboundedPicks(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TABLE)) {
            StatementTimeout.set(ps, timeout);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long bytes = rs.getLong("table_bytes");
                String index = rs.getString("index_name");
                boolean valid = rs.getBoolean("index_valid");
                if (valid || bytes <= unindexedLimitBytes) {
                    return Optional.empty();
                }
                String size = String.format(Locale.ROOT, "request_billing_snapshots is %s (more than the %,d MB"
                        + " re-rating scans per chunk without an index)", rs.getString("table_size"),
                        unindexedLimitBytes >> 20);
                String how = "on the cluster's writer endpoint (it does not block writes): " + CREATE_INDEX
                        + " (src/main/resources/db/optional/" + INDEX + ".sql; docs/operations.md, \"The re-rating"
                        + " index\")";
                return Optional.of(index == null
                        ? size + " and has no index on (billed_at, request_log_id): every chunk would scan the whole"
                                + " table on the gateway's primary, past the role's statement_timeout. Have the"
                                + " table's owner create the index once, " + how
                        : size + " and its index " + index + " on (billed_at, request_log_id) is not valid: its"
                                + " CREATE INDEX CONCURRENTLY failed, was cancelled or is still running"
                                + " (pg_stat_progress_create_index). Once no build runs, have the table's owner drop"
                                + " it (DROP INDEX CONCURRENTLY " + index + ") and create it again, " + how);
            }
        }
    }

    /**
     * Walks the next {@code limit} rows of the range after {@code after} (from the range's start
     * when empty), whether or not they match the filter, and keeps the keys of those that do.
     */
    public Picked pick(Connection c, Filter filter, Optional<Key> after, int limit, Duration timeout)
            throws SQLException {
        List<Key> keys = new ArrayList<>(limit);
        Key last = null;
        int walked = 0;
        try (PreparedStatement ps = c.prepareStatement(PICK)) {
            StatementTimeout.set(ps, timeout);
            int i = bindSelection(c, ps, 0, filter);
            // Strictly after (from, the lowest uuid) is every row at or after from: no real id is all zeros.
            Jdbc.setInstant(ps, ++i, after.map(Key::billedAt).orElse(filter.from()));
            ps.setObject(++i, after.map(Key::requestLogId).orElse(LOWEST));
            i = bindRange(ps, i, filter);
            ps.setInt(++i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = new Key(Jdbc.instant(rs, "billed_at"), Jdbc.uuid(rs, "request_log_id"));
                    walked++;
                    if (rs.getBoolean("matches")) {
                        keys.add(last);
                    }
                }
            }
        }
        return new Picked(keys, Optional.ofNullable(last), walked == limit);
    }

    /** These rows, locked until the transaction ends; those still matching, as they are once locked. */
    public List<StoredRow> lock(Connection c, Filter filter, Collection<UUID> ids, Duration timeout) throws SQLException {
        List<StoredRow> rows = new ArrayList<>(ids.size());
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            StatementTimeout.set(ps, timeout);
            int i = bindSelection(c, ps, bindRange(ps, 0, filter), filter);
            Jdbc.setUuids(c, ps, ++i, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean("matches")) {
                        rows.add(new StoredRow(SnapshotColumns.read(rs), Jdbc.multipliers(rs)));
                    }
                }
            }
        }
        return rows;
    }

    private static int bindRange(PreparedStatement ps, int index, Filter filter) throws SQLException {
        int i = index;
        Jdbc.setInstant(ps, ++i, filter.from());
        Jdbc.setInstant(ps, ++i, filter.to());
        return i;
    }

    private static int bindSelection(Connection c, PreparedStatement ps, int index, Filter filter) throws SQLException {
        int i = index;
        var models = c.createArrayOf("text", filter.models().toArray());
        ps.setArray(++i, models);
        ps.setArray(++i, models);
        ps.setBoolean(++i, filter.onlyUnbilled());
        return i;
    }
}
