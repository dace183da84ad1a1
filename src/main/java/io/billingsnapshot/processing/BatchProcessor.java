package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.TimeBudget;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.db.SqlStates;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.message.InvalidMessageException;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.OutboxRelay;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Processes one SQS batch: the whole batch in one transaction ({@link SetBasedBatch}), or,
 * when that does not apply or fails, each record in its own transaction; then the batch's
 * deltas published, then a sweep of deltas left pending by earlier invocations. Every record
 * ends written, stale or reported failed; one bad record never fails the others.
 */
public final class BatchProcessor {

    private static final JsonLog LOG = JsonLog.get(BatchProcessor.class);

    private final DatabaseConnections connections;
    private final MessageParser parser;
    private final SingleMessageProcessor processor;
    private final SetBasedBatch setBased;
    private final OutboxRelay relay;
    private final MetricsFactory metricsPerInvocation;
    private final Clock clock;
    private final Duration deadlineReserve;

    private static final String CONNECTION_LOST = "database_connection_lost";

    public BatchProcessor(DatabaseConnections connections, MessageParser parser, SingleMessageProcessor processor,
            SetBasedBatch setBased, OutboxRelay relay, MetricsFactory metricsPerInvocation, Clock clock,
            Duration deadlineReserve) {
        this.connections = connections;
        this.parser = parser;
        this.processor = processor;
        this.setBased = setBased;
        this.relay = relay;
        this.metricsPerInvocation = metricsPerInvocation;
        this.clock = clock;
        this.deadlineReserve = deadlineReserve;
    }

    /**
     * @param deadline when the invocation times out; processing stops {@code deadlineReserve}
     *        before it, so that publishing and the response still fit
     */
    public SQSBatchResponse process(List<SQSMessage> records, Instant deadline) {
        Instant start = clock.instant();
        TimeBudget budget = TimeBudget.of(deadline, deadlineReserve);
        try (var bound = connections.boundFor(TimeBudget.left(start, budget.databaseCallsEnd()))) {
            return process(records, start, budget);
        }
    }

    private SQSBatchResponse process(List<SQSMessage> records, Instant start, TimeBudget budget) {
        Instant stopAt = budget.stopWork();
        Metrics metrics = metricsPerInvocation.newInvocation();
        BatchResult result = new BatchResult(records);
        Session session = new Session();
        Map<UUID, QuotaDelta> deltas = new LinkedHashMap<>();
        Map<UUID, SQSMessage> deltaSources = new LinkedHashMap<>();

        List<Outcome> decided = processSetBased(records, stopAt, session, metrics);
        for (int i = 0; i < records.size(); i++) {
            SQSMessage record = records.get(i);
            metrics.increment(Metric.MESSAGES_PROCESSED);
            Outcome outcome = decided != null
                    ? decided.get(i)
                    : processAlone(record, stopAt, session, result, metrics);
            if (decided != null && outcome instanceof Outcome.Failed failed) {
                fail(result, record, failed.reason());
            }
            if (outcome instanceof Outcome.Written written) {
                metrics.increment(Metric.SNAPSHOTS_WRITTEN);
                written.delta().ifPresent(d -> {
                    deltas.put(d.deltaId(), d);
                    deltaSources.put(d.deltaId(), record);
                });
            } else if (outcome instanceof Outcome.Stale) {
                metrics.increment(Metric.STALE_MESSAGES);
            }
        }

        if (session.connection() != null) { // an empty (scheduled) batch connects here, only to sweep
            publish(session, deltas, deltaSources, result, metrics, budget);
            sweep(session, metrics, budget);
        } else {
            deltaSources.forEach((deltaId, record) -> fail(result, record, "delta_publish_failed", "deltaId", deltaId));
        }
        result.closeFailedGroups();
        Duration took = Duration.between(start, clock.instant());
        metrics.count(Metric.BATCH_ITEM_FAILURES, result.failureCount());
        metrics.batchDuration(took);
        metrics.flush();
        LOG.info("batch_done", "records", records.size(), "failed", result.failureCount(),
                "deltas", deltas.size(), "durationMs", took.toMillis());
        return result.toResponse();
    }

    /** The whole batch in one transaction; null when that does not apply or fell back. */
    private List<Outcome> processSetBased(List<SQSMessage> records, Instant stopAt, Session session, Metrics metrics) {
        if (!setBased.appliesTo(records) || !clock.instant().isBefore(stopAt)) {
            return null;
        }
        Connection c = session.connection();
        List<Outcome> decided = c == null ? null : setBased.process(c, records, stopAt, metrics).orElse(null);
        if (decided == null && c != null) {
            session.lost(); // after a fallback the first record takes a freshly checked connection
        }
        return decided;
    }

    /** One record in its own transaction, unless its FIFO group already failed or time is up. */
    private Outcome processAlone(SQSMessage record, Instant stopAt, Session session, BatchResult result,
            Metrics metrics) {
        if (result.groupFailed(record)) {
            return fail(result, record, "earlier_message_in_group_failed");
        }
        if (!clock.instant().isBefore(stopAt)) {
            return fail(result, record, "deadline_reached");
        }
        Connection c = session.connection();
        if (c == null) {
            return fail(result, record, "database_unavailable");
        }
        Outcome outcome = processRecord(c, record, result, metrics);
        if (outcome instanceof Outcome.Failed failed && CONNECTION_LOST.equals(failed.reason())) {
            session.lost(); // the next record reconnects
        }
        return outcome;
    }

    /**
     * The invocation's use of the execution environment's connection: taken on first need,
     * dropped when lost (the next use reconnects), and after one failed connect never tried
     * again in this invocation, so an unreachable database costs one connect timeout, not one
     * per record.
     */
    private final class Session {
        private Connection connection;
        private boolean unavailable;

        /** The connection, or null when the database cannot be reached. */
        Connection connection() {
            if (connection == null && !unavailable) {
                connection = connect();
                unavailable = connection == null;
            }
            return connection;
        }

        void lost() {
            connections.discard();
            connection = null;
        }
    }

    private Connection connect() {
        try {
            return connections.get();
        } catch (SQLException | RuntimeException e) {
            LOG.error("database_unavailable", e);
            connections.discard();
            return null;
        }
    }

    private Outcome processRecord(Connection c, SQSMessage record, BatchResult result, Metrics metrics) {
        RequestCompletion message;
        try {
            message = parser.parse(record.getBody(), Records.sentTimestamp(record, clock.instant()));
        } catch (InvalidMessageException e) {
            metrics.increment(Metric.INVALID_MESSAGES);
            return fail(result, record, "invalid_message: " + e.reason());
        }
        UUID requestLogId = message.requestLogId();
        try {
            Outcome outcome = processor.process(c, message, clock.instant(), metrics);
            if (outcome instanceof Outcome.Failed failed) {
                return fail(result, record, failed.reason(), "requestLogId", requestLogId);
            }
            if (outcome instanceof Outcome.Stale || ((Outcome.Written) outcome).fkRetries() > 0) {
                LOG.info(outcome instanceof Outcome.Stale ? "stale_message" : "written_after_fk_retry",
                        "messageId", record.getMessageId(), "requestLogId", requestLogId);
            }
            return outcome;
        } catch (SQLException e) {
            String reason = SqlStates.isConnectionError(e) ? CONNECTION_LOST : "database_error:" + e.getSQLState();
            return fail(result, record, reason, "requestLogId", requestLogId, "sqlState", e.getSQLState());
        } catch (RuntimeException e) {
            rollbackQuietly(c);
            return fail(result, record, "internal_error", "requestLogId", requestLogId, "error", e.toString());
        }
    }

    private void publish(Session session, Map<UUID, QuotaDelta> deltas, Map<UUID, SQSMessage> sources,
            BatchResult result, Metrics metrics, TimeBudget budget) {
        Set<UUID> accepted;
        try {
            Instant now = clock.instant();
            accepted = relay.publish(session.connection(), List.copyOf(deltas.values()), now,
                    TimeBudget.left(now, budget.sqsCallsEnd()));
        } catch (SQLException | RuntimeException e) {
            // SQS may have the deltas; they stay in the outbox and are re-published under the same deltaId.
            LOG.error("delta_publish_bookkeeping_failed", e, "deltas", deltas.size());
            session.lost();
            accepted = Set.of();
        }
        metrics.count(Metric.DELTAS_PUBLISHED, accepted.size());
        for (Map.Entry<UUID, SQSMessage> source : sources.entrySet()) {
            if (!accepted.contains(source.getKey())) {
                metrics.increment(Metric.DELTA_PUBLISH_FAILURES);
                fail(result, source.getValue(), "delta_publish_failed", "deltaId", source.getKey());
            }
        }
    }

    /** Sweeps while there is time before the stop, and reports the outbox's state whenever it can be read. */
    private void sweep(Session session, Metrics metrics, TimeBudget budget) {
        Connection c = session.connection();
        if (c == null) {
            return;
        }
        try {
            Instant now = clock.instant();
            OutboxRelay.SweepResult sweep = relay.sweep(c, now, budget.stopWork());
            metrics.count(Metric.DELTAS_PUBLISHED, sweep.published());
            metrics.count(Metric.DELTA_PUBLISH_FAILURES, sweep.claimed() - sweep.published());
            metrics.outbox(sweep.after().pending(), sweep.after().oldestAge(now), sweep.after().quarantined());
        } catch (SQLException | RuntimeException e) {
            LOG.error("outbox_sweep_failed", e);
            rollbackQuietly(c);
        }
    }

    /** Reports the record failed (SQS redelivers it) and logs why; never the body. */
    private static Outcome fail(BatchResult result, SQSMessage record, String reason, Object... fields) {
        result.fail(record);
        Object[] keyValues = new Object[fields.length + 4];
        keyValues[0] = "messageId";
        keyValues[1] = record.getMessageId();
        keyValues[2] = "reason";
        keyValues[3] = reason;
        System.arraycopy(fields, 0, keyValues, 4, fields.length);
        LOG.warn("record_failed", keyValues);
        return new Outcome.Failed(reason);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection fails the next statement and is discarded then
        }
    }
}
