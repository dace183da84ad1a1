package io.billingsnapshot.soak;

import io.billingsnapshot.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Once the stream has drained, checks that no money was lost or counted twice:
 * <ul>
 *   <li>for every API key and upstream that still exists, the deduplicated sum of its
 *       published adjustments equals the sum of {@code final_cost} of its billed
 *       snapshots, to 1e-9;</li>
 *   <li>the outbox is empty;</li>
 *   <li>every message sent is snapshotted (its request log has a snapshot) or in the DLQ
 *       with a reason;</li>
 *   <li>no deltaId was published with two contents, and every publication was well formed;</li>
 *   <li>given a {@link QuotaTracker}: the reference consumer's quota table equals the same billed
 *       sums, every message it received having been applied once more by two racing consumers.</li>
 * </ul>
 */
public final class ConservationCheck {

    static final BigDecimal TOLERANCE = new BigDecimal("1e-9");
    /** How a violation of the reference consumer's quota table starts. */
    static final String QUOTA_TABLE = "reference consumer's quota table: ";

    private static final String BILLED_COST_PER_API_KEY = """
            SELECT k.id, s.final_cost
            FROM api_keys k
            LEFT JOIN request_billing_snapshots s ON s.api_key_id = k.id AND s.billing_status = 'billed'
            """;
    private static final String BILLED_COST_PER_UPSTREAM = """
            SELECT u.id, s.final_cost
            FROM upstreams u
            LEFT JOIN request_billing_snapshots s ON s.upstream_id = u.id AND s.billing_status = 'billed'
            """;
    private static final String OUTBOX_ROWS = "SELECT count(*) FROM billing_quota_delta_outbox";
    private static final String SNAPSHOTTED_REQUEST_LOGS = "SELECT request_log_id FROM request_billing_snapshots";

    private ConservationCheck() {
    }

    public static ConservationResult check(TestDatabase.Db db, DeltaCollector deltas,
            Collection<SentMessage> sent, Collection<DeadLetter> deadLetters) {
        return check(db, deltas, Optional.empty(), sent, deadLetters);
    }

    /**
     * As above, and the reference consumer's quota table must equal the billed snapshots too: every
     * message the tracker received is first delivered to it once more ({@link QuotaTracker#redeliverAll}),
     * and none may have been rejected, nor failed when redelivered.
     */
    public static ConservationResult check(TestDatabase.Db db, DeltaCollector deltas, QuotaTracker tracker,
            Collection<SentMessage> sent, Collection<DeadLetter> deadLetters) {
        return check(db, deltas, Optional.of(tracker), sent, deadLetters);
    }

    private static ConservationResult check(TestDatabase.Db db, DeltaCollector deltas, Optional<QuotaTracker> tracker,
            Collection<SentMessage> sent, Collection<DeadLetter> deadLetters) {
        List<String> violations = new ArrayList<>();
        try (Connection connection = db.connect()) {
            Map<UUID, BigDecimal> apiKeys = billedCostPerId(connection, BILLED_COST_PER_API_KEY);
            Map<UUID, BigDecimal> upstreams = billedCostPerId(connection, BILLED_COST_PER_UPSTREAM);
            List<ConservationResult.SumMismatch> mismatches = new ArrayList<>();
            compareSums(AdjustmentTarget.API_KEY, apiKeys, deltas::sumFor, mismatches);
            compareSums(AdjustmentTarget.UPSTREAM, upstreams, deltas::sumFor, mismatches);
            mismatches.forEach(mismatch -> violations.add(mismatch.toString()));
            String deltaSummary = deltas.summary();
            if (tracker.isPresent()) {
                tracker.get().redeliverAll();
                Map<AdjustmentTarget, BigDecimal> quota = tracker.get().sums();
                Function<AdjustmentTarget, BigDecimal> quotaFor = target -> quota.getOrDefault(target, BigDecimal.ZERO);
                List<ConservationResult.SumMismatch> quotaMismatches = new ArrayList<>();
                compareSums(AdjustmentTarget.API_KEY, apiKeys, quotaFor, quotaMismatches);
                compareSums(AdjustmentTarget.UPSTREAM, upstreams, quotaFor, quotaMismatches);
                quotaMismatches.forEach(mismatch -> violations.add(QUOTA_TABLE + mismatch));
                violations.addAll(tracker.get().problems());
                deltaSummary += "; reference consumer: " + tracker.get().summary();
            }

            long outboxRows = outboxRows(connection);
            if (outboxRows > 0) {
                violations.add("the outbox still holds " + outboxRows + " deltas");
            }

            Set<UUID> snapshotted = snapshottedRequestLogs(connection);
            MessageFates fates = MessageFates.of(sent, deadLetters, snapshotted);
            fates.vanished().forEach(id -> violations.add("message " + id + " was neither snapshotted nor dead-lettered"));
            fates.unexplainedDeadLetters().forEach(id -> violations.add("dead letter " + id + " has no failure reason"));

            deltas.conflicts().forEach(c -> violations.add("deltaId " + c.deltaId() + " published with two contents: "
                    + c.first() + " then " + c.conflicting()));
            deltas.malformed().forEach(m -> violations.add("malformed delta publication " + m));

            return new ConservationResult(apiKeys.size(), upstreams.size(), outboxRows, sent.size(),
                    fates.snapshotted(), fates.deadLettered(), fates.vanished(), fates.deadLettersByReason(),
                    deltaSummary, mismatches, violations);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database for the conservation check: " + e.getMessage(), e);
        }
    }

    private static void compareSums(String scope, Map<UUID, BigDecimal> billedCostPerId,
            Function<AdjustmentTarget, BigDecimal> sumFor, List<ConservationResult.SumMismatch> mismatches) {
        billedCostPerId.forEach((id, billed) -> {
            AdjustmentTarget target = new AdjustmentTarget(scope, id);
            BigDecimal published = sumFor.apply(target);
            if (published.subtract(billed).abs().compareTo(TOLERANCE) > 0) {
                mismatches.add(new ConservationResult.SumMismatch(target, billed, published));
            }
        });
    }

    /** Sums in BigDecimal from each double's shortest decimal form, so the sum adds no error of its own. */
    private static Map<UUID, BigDecimal> billedCostPerId(Connection connection, String sql) throws SQLException {
        Map<UUID, BigDecimal> sums = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                UUID id = rows.getObject(1, UUID.class);
                double cost = rows.getDouble(2);
                BigDecimal amount = rows.wasNull() ? BigDecimal.ZERO : BigDecimal.valueOf(cost);
                sums.merge(id, amount, BigDecimal::add);
            }
        }
        return sums;
    }

    private static long outboxRows(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(OUTBOX_ROWS)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Set<UUID> snapshottedRequestLogs(Connection connection) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(SNAPSHOTTED_REQUEST_LOGS)) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    /** Where each sent message ended up. */
    private record MessageFates(int snapshotted, int deadLettered, List<String> vanished,
            List<String> unexplainedDeadLetters, Map<String, Long> deadLettersByReason) {

        static MessageFates of(Collection<SentMessage> sent, Collection<DeadLetter> deadLetters, Set<UUID> snapshots) {
            Map<String, DeadLetter> deadById = deadLetters.stream()
                    .collect(Collectors.toMap(DeadLetter::messageId, d -> d, (first, again) -> first));
            int snapshotted = 0;
            int deadLettered = 0;
            List<String> vanished = new ArrayList<>();
            for (SentMessage message : sent) {
                boolean hasSnapshot = message.requestLogId() != null && snapshots.contains(message.requestLogId());
                boolean isDead = deadById.containsKey(message.messageId());
                snapshotted += hasSnapshot ? 1 : 0;
                deadLettered += isDead ? 1 : 0;
                if (!hasSnapshot && !isDead) {
                    vanished.add(message.messageId());
                }
            }
            List<String> unexplained = deadLetters.stream().filter(d -> d.lastFailureReason() == null)
                    .map(DeadLetter::messageId).toList();
            Map<String, Long> byReason = new TreeMap<>(deadLetters.stream().collect(Collectors.groupingBy(
                    d -> d.lastFailureReason() == null ? "(no reason)" : d.lastFailureReason(), Collectors.counting())));
            return new MessageFates(snapshotted, deadLettered, vanished, unexplained, byReason);
        }
    }
}
