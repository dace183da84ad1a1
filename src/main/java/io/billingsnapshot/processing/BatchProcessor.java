package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.TimeBudget;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.RequestLogs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Processes one SQS batch: parse every record, write them through the one engine (the whole
 * batch as a set, or each record as a set of one below {@code wholeBatchFrom}), publish the
 * committed deltas, sweep the outbox, answer with the failed records. Every record ends written,
 * stale or reported failed; one bad record never fails the others.
 */
public final class BatchProcessor {

    private static final JsonLog LOG = JsonLog.get(BatchProcessor.class);

    /** How the engine and its neighbours are tuned. */
    public record Settings(Duration deadlineReserve, Duration maxFutureSkew, Duration maxBilledAtAge,
            int wholeBatchFrom) {
    }

    private final DatabaseConnections connections;
    private final MessageParser parser;
    private final WriteEngine engine;
    private final DeltaDelivery delivery;
    private final MetricsFactory metricsPerInvocation;
    private final Clock clock;
    private final Settings settings;

    /** @param writer the write step, shared with anything else that writes snapshots */
    public static BatchProcessor create(DatabaseConnections connections, MessageParser parser, SnapshotWriter writer,
            OutboxRelay relay, MetricsFactory metricsPerInvocation, Clock clock, Settings settings) {
        return new BatchProcessor(connections, parser, new WriteEngine(new RequestLogs(), new PriceCatalog(), writer),
                relay, metricsPerInvocation, clock, settings);
    }

    private BatchProcessor(DatabaseConnections connections, MessageParser parser, WriteEngine engine, OutboxRelay relay,
            MetricsFactory metricsPerInvocation, Clock clock, Settings settings) {
        this.connections = connections;
        this.parser = parser;
        this.engine = engine;
        this.delivery = new DeltaDelivery(relay, clock);
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
        List<ParsedRecord> parsed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            parsed.add(ParsedRecord.parse(parser, i, records.get(i), start, settings));
        }

        SetRunner runner = new SetRunner(engine, connection,
                new Deadline(budget.stopWork(), clock), start, metrics, records.size());
        if (settings.wholeBatchFrom() > 0 && records.size() >= settings.wholeBatchFrom()) {
            runner.run(parsed);
        } else {
            parsed.forEach(record -> runner.run(List.of(record)));
        }
        List<Outcome> outcomes = runner.outcomes();

        BatchResponseBuilder response = new BatchResponseBuilder(records);
        List<QuotaDelta> deltas = new ArrayList<>();
        List<SQSMessage> deltaSources = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SQSMessage record = records.get(i);
            Outcome outcome = outcomes.get(i);
            count(outcome, metrics);
            if (outcome instanceof Outcome.Failed failed) {
                response.fail(record, failed, requestLogId(parsed.get(i)));
            } else if (outcome instanceof Outcome.Written written) {
                written.delta().ifPresent(d -> {
                    deltas.add(d);
                    deltaSources.add(record);
                });
            }
            logNotable(record, parsed.get(i), outcome);
        }

        Set<UUID> accepted = delivery.publish(connection, deltas, metrics, budget);
        for (int d = 0; d < deltas.size(); d++) {
            if (!accepted.contains(deltas.get(d).deltaId())) {
                metrics.increment(Metric.DELTA_PUBLISH_FAILURES);
                response.fail(deltaSources.get(d), new Outcome.Failed(FailureReason.DELTA_PUBLISH_FAILED),
                        "deltaId", deltas.get(d).deltaId());
            }
        }
        delivery.sweep(connection, metrics, budget);

        SQSBatchResponse answer = response.build();
        Duration took = Duration.between(start, clock.instant());
        metrics.count(Metric.BATCH_ITEM_FAILURES, response.failureCount());
        metrics.batchDuration(took);
        metrics.flush();
        LOG.info("batch_done", "records", records.size(), "failed", response.failureCount(),
                "deltas", deltas.size(), "durationMs", took.toMillis());
        return answer;
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
                LOG.error("record_without_message_id", null, "index", i, "eventSourceArn", record.getEventSourceArn());
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

    /** Stale records and FK retries are logged; both have a message. */
    private static void logNotable(SQSMessage record, ParsedRecord parsed, Outcome outcome) {
        if (outcome instanceof Outcome.Stale) {
            LOG.info("stale_message", "messageId", record.getMessageId(),
                    "requestLogId", parsed.message().orElseThrow().requestLogId());
        } else if (outcome instanceof Outcome.Written written && written.nulledByRetry().isPresent()) {
            LOG.warn("written_after_fk_retry", "messageId", record.getMessageId(),
                    "requestLogId", parsed.message().orElseThrow().requestLogId(),
                    "column", written.nulledByRetry().get().columnName());
        }
    }

    private static Object[] requestLogId(ParsedRecord parsed) {
        return parsed.message().<Object[]>map(m -> new Object[] {"requestLogId", m.requestLogId()})
                .orElse(new Object[0]);
    }
}
