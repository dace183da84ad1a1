package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.message.InvalidMessageException;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.processing.BatchPlan.Entry;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.store.CatalogCache;
import io.billingsnapshot.store.SnapshotBatchSql;
import io.billingsnapshot.store.SnapshotBatchSql.RequestRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.postgresql.util.PSQLException;

/**
 * The fast path: a whole batch in one transaction whose statements do not grow in number with
 * the batch. One read of the request logs with their upstreams' multipliers, the catalog from
 * a cache (one read of the models it has not seen), one locking read of the previous
 * snapshots, one upsert of every request's row (stale ones filtered by the upsert itself), one
 * insert of every delta into the outbox, commit. Publishing and the outbox delete then happen
 * in {@link BatchProcessor}, as after the per-message path.
 *
 * <p>Invalid messages, missing request logs and unpriceable messages fail their record alone
 * ({@link BatchPlan}). Anything else that goes wrong (an FK race, a constraint or trigger
 * error, a deadlock or serialization failure, a row another invocation inserted after our
 * locking read) rolls the whole batch back and returns empty: the caller then processes the
 * batch message by message, which keeps every guarantee. Running out of time is the exception:
 * the batch is rolled back and its records reported failed, nothing written.
 */
public final class SetBasedBatch {

    private static final JsonLog LOG = JsonLog.get(SetBasedBatch.class);
    static final String DEADLINE_REACHED = "deadline_reached";

    private final MessageParser parser;
    private final SnapshotBatchSql sql;
    private final CatalogCache catalog;
    private final Outbox outbox;
    private final Supplier<UUID> deltaIds;
    private final Duration outboxLease;
    private final int minBatchSize;
    private final Clock clock;

    /** @param minBatchSize the smallest batch taken; 0 turns the fast path off */
    public SetBasedBatch(MessageParser parser, SnapshotBatchSql sql, CatalogCache catalog, Outbox outbox,
            Supplier<UUID> deltaIds, Duration outboxLease, int minBatchSize, Clock clock) {
        this.parser = parser;
        this.sql = sql;
        this.catalog = catalog;
        this.outbox = outbox;
        this.deltaIds = deltaIds;
        this.outboxLease = outboxLease;
        this.minBatchSize = minBatchSize;
        this.clock = clock;
    }

    public boolean appliesTo(List<SQSMessage> records) {
        return minBatchSize > 0 && records.size() >= minBatchSize;
    }

    /**
     * @param stopAt when work must stop; a statement waiting past it is cancelled
     * @return each record's outcome, in batch order, committed; or empty when the batch must go
     *     message by message (the transaction was rolled back, counted in FastPathFallbacks)
     */
    public Optional<List<Outcome>> process(Connection c, List<SQSMessage> records, Instant stopAt, Metrics metrics) {
        Instant now = clock.instant();
        List<Entry> entries = parse(records, now);
        try {
            BatchPlan.Writes writes = writeAll(c, entries, now, stopAt, metrics);
            logStale(entries, writes.outcomes());
            return Optional.of(writes.outcomes());
        } catch (SQLException | RuntimeException | OutOfTime e) {
            rollbackQuietly(c, e);
            if (e instanceof OutOfTime || !clock.instant().isBefore(stopAt)) {
                LOG.warn("fast_path_out_of_time", "records", records.size());
                return Optional.of(Collections.nCopies(records.size(), new Outcome.Failed(DEADLINE_REACHED)));
            }
            metrics.increment(Metric.FAST_PATH_FALLBACKS);
            logFallback(records.size(), e);
            return Optional.empty();
        }
    }

    private List<Entry> parse(List<SQSMessage> records, Instant now) {
        List<Entry> entries = new ArrayList<>(records.size());
        for (SQSMessage record : records) {
            try {
                entries.add(new Entry(record, parser.parse(record.getBody(), Records.sentTimestamp(record, now)), null));
            } catch (InvalidMessageException e) {
                entries.add(new Entry(record, null, e.reason()));
            }
        }
        return entries;
    }

    private BatchPlan.Writes writeAll(Connection c, List<Entry> entries, Instant now, Instant stopAt, Metrics metrics)
            throws SQLException, OutOfTime {
        Set<UUID> ids = new TreeSet<>();
        entries.stream().filter(e -> e.message() != null).forEach(e -> ids.add(e.message().requestLogId()));
        Map<UUID, RequestRow> requests = ids.isEmpty() ? Map.of() : sql.readRequests(c, ids);
        Set<String> models = new TreeSet<>();
        for (Entry e : entries) {
            if (e.message() != null && e.message().model() != null && requests.containsKey(e.message().requestLogId())) {
                models.add(e.message().model());
            }
        }
        Map<String, ModelCatalog> catalogs = models.isEmpty() ? Map.of() : catalog.catalogs(c, models, now);
        BatchPlan plan = BatchPlan.price(entries, requests, catalogs);

        Map<UUID, BilledAmount> previous = plan.requests().isEmpty()
                ? Map.of() : sql.lockPrevious(c, plan.requests(), remaining(stopAt));
        BatchPlan.Writes writes = plan.resolve(previous, deltaIds);
        if (!writes.rows().isEmpty()) {
            Set<UUID> written = sql.upsert(c, writes.rows(), previous.keySet(), now, remaining(stopAt));
            if (!written.equals(writes.expectedWritten())) {
                // A concurrent duplicate inserted a row after our locking read, or the database's
                // comparison of billed_at disagrees with ours: the per-message path sorts it out.
                throw new IllegalStateException("upsert wrote " + written.size() + " rows where "
                        + writes.expectedWritten().size() + " were expected");
            }
        }
        outbox.addAll(c, writes.deltas(), now, outboxLease);
        c.commit();
        metrics.count(Metric.INVALID_MESSAGES, plan.invalidMessages());
        return writes;
    }

    /** Time left for a statement that may wait on a lock. */
    private Duration remaining(Instant stopAt) throws OutOfTime {
        Duration left = Duration.between(clock.instant(), stopAt);
        if (left.isNegative() || left.isZero()) {
            throw new OutOfTime();
        }
        return left;
    }

    private static void logStale(List<Entry> entries, List<Outcome> outcomes) {
        for (int i = 0; i < entries.size(); i++) {
            if (outcomes.get(i) instanceof Outcome.Stale) {
                LOG.info("stale_message", "messageId", entries.get(i).record().getMessageId(),
                        "requestLogId", entries.get(i).message().requestLogId());
            }
        }
    }

    /** The server's own text can quote the failing row (tokens, costs), so only its SQLState and constraint. */
    private static void logFallback(int records, Exception e) {
        if (e instanceof PSQLException sql && sql.getServerErrorMessage() != null) {
            LOG.warn("fast_path_fallback", "records", records, "sqlState", sql.getSQLState(),
                    "constraint", sql.getServerErrorMessage().getConstraint());
        } else if (e instanceof SQLException sql) {
            LOG.warn("fast_path_fallback", "records", records, "sqlState", sql.getSQLState());
        } else {
            LOG.warn("fast_path_fallback", "records", records, "reason", e.toString());
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // a broken connection: the per-message path takes a checked one
        }
    }

    /** The batch reached its stop time before a statement that may wait. */
    private static final class OutOfTime extends Exception {
        OutOfTime() {
            super("deadline reached", null, false, false);
        }
    }
}
