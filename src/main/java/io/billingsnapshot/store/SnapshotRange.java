package io.billingsnapshot.store;

import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.Snapshot;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The stored snapshots of a {@code billed_at} range, walked in chunks by ({@code billed_at},
 * {@code request_log_id}) for re-rating. None of the methods commits.
 *
 * <p>A chunk is taken in two steps. {@link #pick} reads the keys of the next rows in walk order
 * without locking: the last of them is where the next chunk starts, whatever happens to the rows
 * meanwhile. {@link #lock} then locks those rows in {@code request_log_id} order, the order the
 * message path locks in, so the two never deadlock; a row a concurrent message changed is read
 * as that message left it, and dropped if it no longer matches the filter.
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

    /** A stored row, and the multipliers its upstream has now ({@link Multipliers#NONE} without one). */
    public record StoredRow(Snapshot snapshot, Multipliers multipliers) {
    }

    private static final String PICK = """
            SELECT billed_at, request_log_id
            FROM request_billing_snapshots
            WHERE (billed_at, request_log_id) > (?, ?) AND\s""" + matches("") + """

            ORDER BY billed_at, request_log_id
            LIMIT ?""";

    private static final String LOCK = "SELECT "
            + SnapshotColumns.ALL.stream().map(c -> "s." + c.name()).collect(Collectors.joining(", "))
            + """
            , u.billing_input_multiplier, u.billing_output_multiplier
            FROM request_billing_snapshots s
            LEFT JOIN upstreams u ON u.id = s.upstream_id
            WHERE s.request_log_id = ANY (?) AND\s""" + matches("s.") + """

            ORDER BY s.request_log_id
            FOR UPDATE OF s""";

    /** The filter's condition on the snapshot table, its columns prefixed with {@code alias}. */
    private static String matches(String alias) {
        return alias + "billed_at >= ? AND " + alias + "billed_at < ?"
                + " AND (cardinality(?::text[]) = 0 OR " + alias + "model = ANY (?::text[]))"
                + " AND (NOT ? OR " + alias + "billing_status = 'unbilled')";
    }

    /** Before every real row: the walk starts here when there is no cursor. */
    private static final UUID LOWEST = new UUID(0, 0);

    /**
     * The keys of the next {@code limit} matching rows after {@code after} (from the range's start
     * when empty), in walk order.
     */
    public List<Key> pick(Connection c, Filter filter, Optional<Key> after, int limit, Duration timeout)
            throws SQLException {
        List<Key> keys = new ArrayList<>(limit);
        try (PreparedStatement ps = c.prepareStatement(PICK)) {
            Jdbc.limit(ps, timeout);
            int i = 0;
            // Strictly after (from, the lowest uuid) is every row at or after from: no real id is all zeros.
            Jdbc.setInstant(ps, ++i, after.map(Key::billedAt).orElse(filter.from()));
            ps.setObject(++i, after.map(Key::requestLogId).orElse(LOWEST));
            i = bindFilter(c, ps, i, filter);
            ps.setInt(++i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new Key(Jdbc.instant(rs, "billed_at"), Jdbc.uuid(rs, "request_log_id")));
                }
            }
        }
        return keys;
    }

    /** These rows, locked until the transaction ends, as they are once locked and still matching. */
    public List<StoredRow> lock(Connection c, Filter filter, Collection<UUID> ids, Duration timeout) throws SQLException {
        List<StoredRow> rows = new ArrayList<>(ids.size());
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            Jdbc.limit(ps, timeout);
            Jdbc.setUuids(c, ps, 1, ids);
            bindFilter(c, ps, 1, filter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StoredRow(SnapshotColumns.read(rs), Jdbc.multipliers(rs)));
                }
            }
        }
        return rows;
    }

    private static int bindFilter(Connection c, PreparedStatement ps, int index, Filter filter) throws SQLException {
        int i = index;
        Jdbc.setInstant(ps, ++i, filter.from());
        Jdbc.setInstant(ps, ++i, filter.to());
        var models = c.createArrayOf("text", filter.models().toArray());
        ps.setArray(++i, models);
        ps.setArray(++i, models);
        ps.setBoolean(++i, filter.onlyUnbilled());
        return i;
    }
}
