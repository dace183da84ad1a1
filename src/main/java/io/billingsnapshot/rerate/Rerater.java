package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.config.TimeBudget;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.processing.Deadline;
import io.billingsnapshot.processing.SnapshotWriter;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.store.SnapshotRange.StoredRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Re-rates a range chunk by chunk, each chunk one transaction of a constant number of statements:
 * pick the next rows' keys, lock the rows, read their models' catalog, re-price each row
 * ({@link Repricing}), hand the changed ones to the message path's write step
 * ({@link SnapshotWriter}: ordering rule, upsert with RETURNING, deltas into the outbox), commit,
 * then publish the deltas. A dry run does the very same and rolls each chunk back, so its numbers
 * are the ones a run would report, and nothing is written or published.
 *
 * <p>Time ({@link TimeBudget}): a chunk starts only before the stop time, {@code deadlineReserve}
 * before the deadline; its statements may run into half of the time before the end of SQS calls,
 * publishing the rest; every database wait is over before the budget's database end. When time
 * runs out the report carries {@code next}, the last row of the last chunk done.
 */
public final class Rerater {

    private static final JsonLog LOG = JsonLog.get(Rerater.class);

    /** Rows per chunk (docs/benchmark.md): large enough that the statements' cost is spread thin. */
    public static final int CHUNK_ROWS = 1_000;

    private final DatabaseConnections connections;
    private final SnapshotRange range;
    private final PriceCatalog catalog;
    private final SnapshotWriter writer;
    private final OutboxRelay relay;
    private final RerateMetrics metrics;
    private final Clock clock;
    private final Duration deadlineReserve;
    private final int chunkRows;

    public Rerater(DatabaseConnections connections, SnapshotRange range, PriceCatalog catalog, SnapshotWriter writer,
            OutboxRelay relay, RerateMetrics metrics, Clock clock, Duration deadlineReserve, int chunkRows) {
        this.connections = connections;
        this.range = range;
        this.catalog = catalog;
        this.writer = writer;
        this.relay = relay;
        this.metrics = metrics;
        this.clock = clock;
        this.deadlineReserve = deadlineReserve;
        this.chunkRows = chunkRows;
    }

    /**
     * @param deadline when the invocation times out
     * @throws RerateFailedException when a chunk failed or there was no time to start: the chunks
     *     before it stay committed, and the message says where to continue
     */
    public RerateReport rerate(RerateRequest request, Instant deadline) {
        Instant start = clock.instant();
        TimeBudget budget = TimeBudget.of(deadline, deadlineReserve);
        LOG.info("rerate_started", "from", request.from(), "to", request.to(), "models", request.models().size(),
                "onlyUnbilled", request.onlyUnbilled(), "dryRun", request.dryRun(),
                "after", request.after().map(RerateCursor::toString).orElse(null));
        if (!start.isBefore(budget.stopWork())) {
            throw new RerateFailedException("less than DEADLINE_RESERVE_MILLIS (" + deadlineReserve.toMillis()
                    + " ms) left before the timeout: nothing re-rated; give the function more time");
        }
        try (var bound = connections.boundFor(TimeBudget.left(start, budget.databaseCallsEnd()))) {
            return rerate(request, start, budget);
        }
    }

    private RerateReport rerate(RerateRequest request, Instant start, TimeBudget budget) {
        SnapshotRange.Filter filter = new SnapshotRange.Filter(request.from(), request.to(), request.models(),
                request.onlyUnbilled());
        // Statements of a chunk started just before the stop time end halfway to the end of SQS calls.
        Deadline statements = new Deadline(budget.stopWork().plus(
                Duration.between(budget.stopWork(), budget.sqsCallsEnd()).dividedBy(2)), clock);
        RerateTally tally = new RerateTally();
        Optional<SnapshotRange.Key> after =
                request.after().map(cursor -> new SnapshotRange.Key(cursor.billedAt(), cursor.requestLogId()));
        Optional<RerateCursor> next = Optional.empty();
        try {
            Connection c = connections.get();
            while (true) {
                Chunk chunk = chunk(c, filter, after, request.dryRun(), statements);
                chunk.repriced().forEach(tally::examined);
                List<QuotaDelta> deltas = new ArrayList<>();
                for (Written written : chunk.written()) {
                    tally.written(written.rewrite(), written.delta().map(QuotaDelta::adjustments).orElse(List.of()));
                    written.delta().ifPresent(deltas::add);
                }
                if (!request.dryRun()) {
                    publish(c, deltas, budget);
                }
                after = chunk.last();
                if (!chunk.full()) {
                    break; // the range is done
                }
                if (!clock.instant().isBefore(budget.stopWork())) {
                    next = after.map(Rerater::cursor);
                    break;
                }
            }
        } catch (SQLException | SnapshotWriter.RowNotWritten | Deadline.OutOfTime | RuntimeException e) {
            connections.discard();
            throw failed(e, request, after, tally);
        } finally {
            if (!request.dryRun()) {
                RerateReport committed = tally.report(Optional.empty());
                metrics.write(committed.examined(), committed.changed(), tally.amountCorrected());
            }
        }
        RerateReport report = tally.report(next);
        LOG.info("rerate_done", "examined", report.examined(), "changed", report.changed(), "billedNow",
                report.billedNow(), "unresolved", report.unresolved(), "dryRun", request.dryRun(),
                "next", next.map(RerateCursor::toString).orElse(null),
                "durationMs", Duration.between(start, clock.instant()).toMillis());
        return report;
    }

    /** A rewrite the database wrote, and the delta recorded for it (empty when quota does not change). */
    private record Written(Repricing.Rewrite rewrite, Optional<QuotaDelta> delta) {
    }

    /**
     * What one chunk did, once committed (or, in a dry run, rolled back): the last key it picked,
     * whether it was full (more may follow), each row's repricing, the rows written.
     */
    private record Chunk(Optional<SnapshotRange.Key> last, boolean full, List<Repricing> repriced, List<Written> written) {
    }

    private Chunk chunk(Connection c, SnapshotRange.Filter filter, Optional<SnapshotRange.Key> after, boolean dryRun,
            Deadline statements) throws SQLException, SnapshotWriter.RowNotWritten, Deadline.OutOfTime {
        try {
            List<SnapshotRange.Key> keys = range.pick(c, filter, after, chunkRows, statements.remaining());
            if (keys.isEmpty()) {
                c.rollback();
                return new Chunk(after, false, List.of(), List.of());
            }
            List<StoredRow> rows = range.lock(c, filter, keys.stream().map(SnapshotRange.Key::requestLogId).toList(),
                    statements.remaining());
            Map<String, ModelCatalog> catalogs = catalogs(c, rows, statements);
            List<Repricing> repriced = new ArrayList<>(rows.size());
            for (StoredRow row : rows) {
                repriced.add(Repricing.of(row.snapshot(), ModelCatalog.forModel(catalogs, row.snapshot().model()),
                        row.multipliers()));
            }
            List<Written> written = write(c, repriced, statements);
            if (dryRun) {
                c.rollback();
            } else {
                c.commit();
            }
            return new Chunk(Optional.of(keys.get(keys.size() - 1)), keys.size() == chunkRows, repriced, written);
        } catch (SQLException | SnapshotWriter.RowNotWritten | Deadline.OutOfTime | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    private Map<String, ModelCatalog> catalogs(Connection c, List<StoredRow> rows, Deadline statements)
            throws SQLException, Deadline.OutOfTime {
        Set<String> models = new TreeSet<>();
        rows.stream().map(row -> row.snapshot().model()).filter(m -> m != null).forEach(models::add);
        return models.isEmpty() ? Map.of() : catalog.load(c, models, statements.remaining());
    }

    /**
     * The rewrites through the write step, with their stored {@code billed_at}: an equal time
     * overwrites, so none is stale while the rows are locked.
     */
    private List<Written> write(Connection c, List<Repricing> repriced, Deadline statements)
            throws SQLException, SnapshotWriter.RowNotWritten, Deadline.OutOfTime {
        List<Repricing.Rewrite> rewrites = repriced.stream().filter(Repricing.Rewrite.class::isInstance)
                .map(Repricing.Rewrite.class::cast).toList();
        if (rewrites.isEmpty()) {
            return List.of();
        }
        List<Snapshot> rows = rewrites.stream().map(Repricing.Rewrite::row).toList();
        List<SnapshotWriter.Result> results = writer.write(c, rows, clock.instant(), statements);
        List<Written> written = new ArrayList<>(rewrites.size());
        for (int i = 0; i < rewrites.size(); i++) {
            if (!results.get(i).stale()) {
                written.add(new Written(rewrites.get(i), results.get(i).delta()));
            }
        }
        return written;
    }

    /**
     * Publishes a committed chunk's deltas. A delta SQS did not take stays in the outbox and the
     * billing function's sweep publishes it once its lease has passed: the call goes on.
     */
    private void publish(Connection c, List<QuotaDelta> deltas, TimeBudget budget) {
        if (deltas.isEmpty()) {
            return;
        }
        try {
            Instant now = clock.instant();
            int accepted = relay.publish(c, deltas, now, budget).size();
            if (accepted < deltas.size()) {
                LOG.warn("rerate_deltas_pending", "deltas", deltas.size() - accepted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("rerate_deltas_pending", e, "deltas", deltas.size());
            rollbackQuietly(c, e);
        }
    }

    private RerateFailedException failed(Exception cause, RerateRequest request, Optional<SnapshotRange.Key> after,
            RerateTally tally) {
        RerateReport done = tally.report(after.map(Rerater::cursor));
        String resume = after.map(key -> "call again with \"after\": \"" + cursor(key) + "\"")
                .orElse("call again with the same request");
        String what = cause instanceof Deadline.OutOfTime ? "ran out of time" : "failed";
        String message = "re-rating " + what + " (" + describe(cause) + ") after " + done.examined()
                + " rows examined and " + done.changed() + " changed" + (request.dryRun() ? " (dry run)" : ", committed")
                + "; " + resume + ": rows already re-rated are not changed twice";
        // The server's text can quote the failing row (tokens, costs): an SQL error travels as its SQLState only.
        Throwable loggable = cause instanceof SQLException ? null : cause;
        LOG.error("rerate_failed", loggable, "examined", done.examined(), "changed", done.changed(),
                "dryRun", request.dryRun(), "reason", describe(cause),
                "after", after.map(Rerater::cursor).map(RerateCursor::toString).orElse(null));
        return loggable == null ? new RerateFailedException(message) : new RerateFailedException(message, loggable);
    }

    /** The SQLState or the exception's type: never the server's text. */
    private static String describe(Exception e) {
        return e instanceof SQLException sql ? "SQLState " + sql.getSQLState() : e.getClass().getSimpleName();
    }

    private static RerateCursor cursor(SnapshotRange.Key key) {
        return new RerateCursor(key.billedAt(), key.requestLogId());
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
