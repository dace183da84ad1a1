package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.store.RequestLogs.RequestRow;
import io.billingsnapshot.time.Deadline;
import io.billingsnapshot.time.TimeBudget;
import io.billingsnapshot.write.DeltaDelivery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Processes one SQS batch: parse every record, write them through the one engine (the whole
 * batch as one set, or each record as a set of one below {@code wholeBatchMinSize}), publish the
 * committed deltas, sweep the outbox, answer with the failed records. Every record ends written,
 * stale or reported failed; one bad record never fails the others.
 */
public final class BatchProcessor {

    private static final JsonLog LOG = JsonLog.get(BatchProcessor.class);

    /** How the engine and its neighbours are tuned. */
    public record Settings(Duration deadlineReserve, Duration maxFutureSkew, Duration maxBilledAtAge,
            int wholeBatchMinSize) {
    }

    private final DatabaseConnections connections;
    private final MessageParser parser;
    private final WriteEngine engine;
    private final DeltaDelivery delivery;
    private final OutboxRelay relay;
    private final MetricsFactory metricsPerInvocation;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param delivery publishes the batch's deltas once committed
     * @param relay sweeps the deltas earlier invocations left pending
     */
    public BatchProcessor(DatabaseConnections connections, MessageParser parser, WriteEngine engine,
            DeltaDelivery delivery, OutboxRelay relay, MetricsFactory metricsPerInvocation, Clock clock,
            Settings settings) {
        this.connections = connections;
        this.parser = parser;
        this.engine = engine;
        this.delivery = delivery;
        this.relay = relay;
        this.metricsPerInvocation = metricsPerInvocation;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * @param deadline when the invocation times out; writing stops {@code deadlineReserve} before
     *     it, so that publishing and the response still fit
     */
    public SQSBatchResponse process(List<SQSMessage> records, Instant deadline) {
        Instant start = clock.instant();
        TimeBudget budget = TimeBudget.of(deadline, settings.deadlineReserve());
        try (var bound = connections.boundFor(TimeBudget.left(start, budget.databaseCallsEnd()))) {
            return process(records, start, budget);
        }
    }

    private SQSBatchResponse process(List<SQSMessage> event, Instant start, TimeBudget budget) {
        Metrics metrics = metricsPerInvocation.newInvocation();
        List<SQSMessage> records = answerable(event, metrics);
        InvocationConnection connection = new InvocationConnection(connections);
        List<ParsedRecord> parsed = parse(records, start);

        SetRunner runner = new SetRunner(engine, connection,
                new Deadline(budget.stopWork(), clock), start, metrics, records.size());
        if (settings.wholeBatchMinSize() > 0 && records.size() >= settings.wholeBatchMinSize()) {
            runner.run(parsed);
        } else {
            parsed.forEach(record -> runner.run(List.of(record)));
        }
        List<Outcome> outcomes = runner.outcomes();

        BatchResponseBuilder response = new BatchResponseBuilder(records);
        List<QuotaDelta> deltas = new ArrayList<>();
        List<SQSMessage> deltaSources = new ArrayList<>();
        // Redelivered records written or stale: a delta an earlier delivery left pending goes out now.
        List<UUID> redelivered = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SQSMessage record = records.get(i);
            Outcome outcome = outcomes.get(i);
            count(outcome, metrics);
            if (outcome instanceof Outcome.Failed failed) {
                response.fail(record, failed, requestLogId(parsed.get(i)));
            } else {
                if (redelivery(record)) {
                    redelivered.add(parsed.get(i).message().orElseThrow().requestLogId());
                }
                if (outcome instanceof Outcome.Written written) {
                    written.delta().ifPresent(d -> {
                        deltas.add(d);
                        deltaSources.add(record);
                    });
                }
            }
            logStale(record, parsed.get(i), outcome);
        }

        Set<UUID> accepted = publish(connection, deltas, metrics, budget);
        for (int d = 0; d < deltas.size(); d++) {
            if (!accepted.contains(deltas.get(d).deltaId())) {
                metrics.increment(Metric.DELTA_PUBLISH_FAILURES);
                response.fail(deltaSources.get(d), FailureReason.DELTA_PUBLISH_FAILED.failure(),
                        "deltaId", deltas.get(d).deltaId());
            }
        }
        sweep(connection, redelivered, metrics, budget);

        SQSBatchResponse answer = response.build();
        Duration took = Duration.between(start, clock.instant());
        metrics.count(Metric.BATCH_ITEM_FAILURES, response.failureCount());
        metrics.batchDuration(took);
        metrics.flush();
        LOG.info(LogEvent.BATCH_DONE, "records", records.size(), "failed", response.failureCount(),
                "deltas", deltas.size(), "durationMs", took.toMillis());
        return answer;
    }

    /**
     * The steps of a batch that need neither the database nor SQS, on records whose request logs
     * and catalogs are given instead of read: every record parsed as {@link #process} parses it,
     * then planned and priced as one set, as the set's transaction would. Nothing is written,
     * published, counted or logged: for SnapStart priming, which runs this code before the
     * snapshot so that the first batch after a restore finds it loaded and compiled.
     *
     * @return the snapshots the set would write, in batch order
     */
    public List<Snapshot> priceWithoutDatabase(List<SQSMessage> records, Map<UUID, RequestRow> requests,
            Map<String, ModelCatalog> catalogs, Instant now) {
        return new SetPlan(parse(records, now), new FifoGroups(), requests, catalogs, Optional.empty()).planned();
    }

    private List<ParsedRecord> parse(List<SQSMessage> records, Instant now) {
        List<ParsedRecord> parsed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            parsed.add(ParsedRecord.parse(parser, i, records.get(i), now, settings));
        }
        return parsed;
    }

    /** @return the ids SQS accepted; the others stay in the outbox, re-published later under the same deltaId */
    private Set<UUID> publish(InvocationConnection connection, List<QuotaDelta> deltas, Metrics metrics,
            TimeBudget budget) {
        Optional<Connection> c = connection.get();
        if (c.isEmpty()) {
            return Set.of();
        }
        Optional<Set<UUID>> accepted = delivery.publish(c.get(), deltas, budget);
        if (accepted.isEmpty()) {
            connection.lost();
            return Set.of();
        }
        metrics.count(Metric.DELTAS_PUBLISHED, accepted.get().size());
        return accepted.get();
    }

    /**
     * Sweeps while there is time before the stop, the pending deltas of the batch's redelivered
     * requests first, and reports the outbox's state whenever it can be read.
     */
    private void sweep(InvocationConnection connection, Collection<UUID> requestLogIds, Metrics metrics,
            TimeBudget budget) {
        Optional<Connection> c = connection.get();
        if (c.isEmpty()) {
            return;
        }
        try {
            Instant now = clock.instant();
            OutboxRelay.SweepResult sweep = relay.sweep(c.get(), requestLogIds, now, budget);
            metrics.count(Metric.DELTAS_PUBLISHED, sweep.published());
            metrics.count(Metric.DELTA_PUBLISH_FAILURES, sweep.claimed() - sweep.published());
            metrics.outbox(sweep.after().pending(), sweep.after().oldestAge(now), sweep.after().quarantined());
        } catch (SQLException | RuntimeException e) {
            LOG.error(LogEvent.OUTBOX_SWEEP_FAILED, e);
            connection.rollback();
        }
    }

    /** SQS delivered the record before (a record without the count is taken for one). */
    private static boolean redelivery(SQSMessage record) {
        return record.getAttributes() == null || !"1".equals(record.getAttributes().get("ApproximateReceiveCount"));
    }

    /**
     * The records this invocation can answer for: those with a messageId. SQS gives every message
     * one, so a record without (only a direct invoke can make one) cannot be redelivered, and a
     * failure could not be reported for it: a null or empty itemIdentifier makes Lambda fail the
     * whole batch. So nothing is written for it, whatever it holds; it is logged and counted as an
     * invalid message, and never appears in the response.
     */
    private static List<SQSMessage> answerable(List<SQSMessage> event, Metrics metrics) {
        List<SQSMessage> records = new ArrayList<>(event.size());
        for (int i = 0; i < event.size(); i++) {
            SQSMessage record = event.get(i);
            if (record.getMessageId() == null || record.getMessageId().isBlank()) {
                metrics.increment(Metric.MESSAGES_PROCESSED);
                metrics.increment(Metric.INVALID_MESSAGES);
                LOG.error(LogEvent.RECORD_WITHOUT_MESSAGE_ID, null, "index", i, "eventSourceArn", record.getEventSourceArn());
            } else {
                records.add(record);
            }
        }
        return records;
    }

    /** Every counter of a record's outcome, in one place whatever the size of its set. */
    private static void count(Outcome outcome, Metrics metrics) {
        metrics.increment(Metric.MESSAGES_PROCESSED);
        if (outcome instanceof Outcome.Written written) {
            metrics.increment(Metric.SNAPSHOTS_WRITTEN);
            written.unbilled().ifPresent(metrics::unbilled);
        } else if (outcome instanceof Outcome.Stale) {
            metrics.increment(Metric.STALE_MESSAGES);
        } else if (((Outcome.Failed) outcome).reason().invalidMessage()) {
            metrics.increment(Metric.INVALID_MESSAGES);
        }
    }

    /** A stale record is logged (the failed ones are, by the response); it has a message. */
    private static void logStale(SQSMessage record, ParsedRecord parsed, Outcome outcome) {
        if (outcome instanceof Outcome.Stale) {
            LOG.info(LogEvent.STALE_MESSAGE, "messageId", record.getMessageId(),
                    "requestLogId", parsed.message().orElseThrow().requestLogId());
        }
    }

    private static Object[] requestLogId(ParsedRecord parsed) {
        return parsed.message().<Object[]>map(m -> new Object[] {"requestLogId", m.requestLogId()})
                .orElse(new Object[0]);
    }
}
