package io.billingsnapshot.consumer;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The quota table and its exactly-once rule: a message's deltas are claimed in
 * {@code applied_quota_deltas} and only the claimed ones are added to {@code quota_usage}, both
 * in the caller's transaction. A delta applied before (committed) is not claimed again; one being
 * applied by a concurrent transaction makes the claim wait on its unique-index entry until that
 * transaction ends, then claim it only if it rolled back. Both statements touch their rows in key
 * order, so two consumers applying overlapping messages wait for each other instead of deadlocking.
 */
public final class QuotaLedger {

    /** The deltas this transaction claims: those never applied before. */
    static final String CLAIM = """
            INSERT INTO applied_quota_deltas (delta_id)
            SELECT delta_id FROM unnest(?::uuid[]) AS d(delta_id)
            ORDER BY delta_id
            ON CONFLICT (delta_id) DO NOTHING
            RETURNING delta_id""";

    /** The claimed deltas' adjustments, netted per quota row. */
    static final String ADD = """
            INSERT INTO quota_usage AS q (scope, subject_id, currency, used)
            SELECT scope, subject_id, currency, sum(amount)
            FROM unnest(?::text[], ?::uuid[], ?::text[], ?::numeric[]) AS a(scope, subject_id, currency, amount)
            GROUP BY scope, subject_id, currency
            ORDER BY scope, subject_id, currency
            ON CONFLICT (scope, subject_id, currency) DO UPDATE SET used = q.used + EXCLUDED.used""";

    private static final String USAGE = "SELECT scope, subject_id, currency, used FROM quota_usage";

    /** One row of {@code quota_usage}. */
    public record Key(String scope, UUID subjectId, String currency) {
    }

    private QuotaLedger() {
    }

    /**
     * Applies the deltas not applied before, in {@code transaction} (not committed here).
     *
     * @return how many of {@code deltas} were applied now; the others had been applied already
     */
    static int apply(Connection transaction, List<DeltaMessage.Delta> deltas) throws SQLException {
        Set<UUID> claimed = claim(transaction, deltas.stream().map(DeltaMessage.Delta::deltaId).toArray(UUID[]::new));
        List<String> scopes = new ArrayList<>();
        List<UUID> subjects = new ArrayList<>();
        List<String> currencies = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        for (DeltaMessage.Delta delta : deltas) {
            if (claimed.contains(delta.deltaId())) {
                for (DeltaMessage.Adjustment adjustment : delta.adjustments()) {
                    scopes.add(adjustment.scope());
                    subjects.add(adjustment.subjectId());
                    currencies.add(delta.currency());
                    amounts.add(adjustment.amount());
                }
            }
        }
        if (!amounts.isEmpty()) {
            try (PreparedStatement add = transaction.prepareStatement(ADD)) {
                add.setArray(1, array(transaction, "text", scopes.toArray()));
                add.setArray(2, array(transaction, "uuid", subjects.toArray()));
                add.setArray(3, array(transaction, "text", currencies.toArray()));
                add.setArray(4, array(transaction, "numeric", amounts.toArray()));
                add.executeUpdate();
            }
        }
        return claimed.size();
    }

    private static Set<UUID> claim(Connection transaction, UUID[] deltaIds) throws SQLException {
        Set<UUID> claimed = new HashSet<>();
        try (PreparedStatement claim = transaction.prepareStatement(CLAIM)) {
            claim.setArray(1, array(transaction, "uuid", deltaIds));
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    claimed.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return claimed;
    }

    /** Every quota row: used quota per API key or upstream and currency. */
    static Map<Key, BigDecimal> usage(Connection connection) throws SQLException {
        Map<Key, BigDecimal> usage = new LinkedHashMap<>();
        try (PreparedStatement read = connection.prepareStatement(USAGE); ResultSet rows = read.executeQuery()) {
            while (rows.next()) {
                usage.put(new Key(rows.getString(1), rows.getObject(2, UUID.class), rows.getString(3)),
                        rows.getBigDecimal(4));
            }
        }
        return usage;
    }

    private static Array array(Connection connection, String type, Object[] values) throws SQLException {
        return connection.createArrayOf(type, values);
    }
}
