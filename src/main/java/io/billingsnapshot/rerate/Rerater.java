package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.store.CatalogCache;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.store.SnapshotRange.Key;
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
 * ({@link Repricing}), write the changed ones and record their deltas ({@link RerateWriter}),
 * commit, then publish the deltas. A dry run does the very same and rolls each chunk back, so its
 * numbers are the ones a run would report, and nothing is written or published.
 *
 * <p>A chunk starts only before the stop time ({@code deadlineReserve} before the deadline); its
 * statements may use half the reserve, publishing the rest. When time runs out the report carries
 * {@code next}, the last row of the last committed chunk.
 */
public final class Rerater {

    private static final JsonLog LOG = JsonLog.get(Rerater.class);

    /** Rows per chunk (benchmark, docs/benchmark.md): large enough that the statements' cost is spread thin. */
    public static final int CHUNK_ROWS = 1_000;

    private final DatabaseConnections connections;
    private final SnapshotRange range;
    private final CatalogCache catalog;
    private final RerateWriter writer;
    private final OutboxRelay relay;
    private final RerateMetrics metrics;
    private final Clock clock;
    private final Duration deadlineReserve;
    private final int chunkRows;

    public Rerater(DatabaseConnections connections, SnapshotRange range, CatalogCache catalog, RerateWriter writer,
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
     * @throws RerateFailedException when a chunk failed for another reason than time: the chunks
     *     before it stay committed, and the message says where to continue
     */
    public RerateReport rerate(RerateRequest request, Instant deadline) {
        Instant start = clock.instant();
        Instant stopAt = deadline.minus(deadlineReserve);
        Instant statementsEnd = deadline.minus(deadlineReserve.dividedBy(2));
        SnapshotRange.Filter filter = new SnapshotRange.Filter(request.from(), request.to(), request.models(),
                request.onlyUnbilled());
        LOG.info("rerate_started", "from", request.from(), "to", request.to(), "models", request.models().size(),
                "onlyUnbilled", request.onlyUnbilled(), "dryRun", request.dryRun(),
                "after", request.after().map(RerateCursor::toString).orElse(null));
        if (!start.isBefore(stopAt)) {
            throw new RerateFailedException("less than DEADLINE_RESERVE_MILLIS (" + deadlineReserve.toMillis()
                    + " ms) left before the timeout: nothing re-rated; give the function more time");
        }
        RerateTally tally = new RerateTally();
        Optional<Key> after = request.after().map(cursor -> new Key(cursor.billedAt(), cursor.requestLogId()));
        Optional<RerateCursor> next = Optional.empty();
        try {
            Connection c = connections.get();
            while (true) {
                Chunk chunk = chunk(c, filter, after, request.dryRun(), statementsEnd);
                chunk.repriced().forEach(tally::examined);
                List<QuotaDelta> deltas = new ArrayList<>();
                for (RerateWriter.Written written : chunk.written()) {
                    tally.written(written.rewrite(), written.delta().map(QuotaDelta::adjustments).orElse(List.of()));
                    written.delta().ifPresent(deltas::add);
                }
                if (!request.dryRun()) {
                    publish(c, deltas);
                }
                after = chunk.last();
                if (!chunk.full()) {
                    break; // the range is done
                }
                if (!clock.instant().isBefore(stopAt)) {
                    next = after.map(Rerater::cursor);
                    break;
                }
            }
        } catch (SQLException | RuntimeException e) {
            connections.discard();
            throw failed(e, request, after, tally, statementsEnd);
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

    /**
     * What one chunk did, once committed (or, in a dry run, rolled back): the last key it picked,
     * whether it was full (more may follow), each row's repricing, the rows written.
     */
    private record Chunk(Optional<Key> last, boolean full, List<Repricing> repriced, List<RerateWriter.Written> written) {
    }

    private Chunk chunk(Connection c, SnapshotRange.Filter filter, Optional<Key> after, boolean dryRun,
            Instant statementsEnd) throws SQLException {
        try {
            List<Key> keys = range.pick(c, filter, after, chunkRows, remaining(statementsEnd));
            if (keys.isEmpty()) {
                c.rollback();
                return new Chunk(after, false, List.of(), List.of());
            }
            List<StoredRow> rows = range.lock(c, filter, keys.stream().map(Key::requestLogId).toList(),
                    remaining(statementsEnd));
            Map<String, ModelCatalog> catalogs = catalogs(c, rows);
            List<Repricing> repriced = new ArrayList<>(rows.size());
            for (StoredRow row : rows) {
                String model = row.snapshot().model();
                repriced.add(Repricing.of(row.snapshot(), model == null ? ModelCatalog.EMPTY : catalogs.get(model),
                        row.multipliers()));
            }
            List<Repricing.Rewrite> rewrites = repriced.stream().filter(Repricing.Rewrite.class::isInstance)
                    .map(Repricing.Rewrite.class::cast).toList();
            List<RerateWriter.Written> written = writer.write(c, rewrites, clock.instant(), remaining(statementsEnd));
            if (dryRun) {
                c.rollback();
            } else {
                c.commit();
            }
            return new Chunk(Optional.of(keys.get(keys.size() - 1)), keys.size() == chunkRows, repriced, written);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    private Map<String, ModelCatalog> catalogs(Connection c, List<StoredRow> rows) throws SQLException {
        Set<String> models = new TreeSet<>();
        rows.stream().map(row -> row.snapshot().model()).filter(m -> m != null).forEach(models::add);
        return models.isEmpty() ? Map.of() : catalog.catalogs(c, models, clock.instant());
    }

    /**
     * Publishes a committed chunk's deltas. A delta SQS did not take stays in the outbox and the
     * billing function's sweep publishes it once its lease has passed: the call goes on.
     */
    private void publish(Connection c, List<QuotaDelta> deltas) {
        try {
            int accepted = relay.publish(c, deltas, clock.instant()).size();
            if (accepted < deltas.size()) {
                LOG.warn("rerate_deltas_pending", "deltas", deltas.size() - accepted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("rerate_deltas_pending", e, "deltas", deltas.size());
            rollbackQuietly(c, e);
        }
    }

    private Duration remaining(Instant end) {
        Duration left = Duration.between(clock.instant(), end);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    private RerateFailedException failed(Exception cause, RerateRequest request, Optional<Key> after,
            RerateTally tally, Instant statementsEnd) {
        RerateReport done = tally.report(after.map(Rerater::cursor));
        String resume = after.map(key -> "call again with \"after\": \"" + cursor(key) + "\"")
                .orElse("call again with the same request");
        String what = clock.instant().isBefore(statementsEnd) ? "failed" : "ran out of time";
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

    private static RerateCursor cursor(Key key) {
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
