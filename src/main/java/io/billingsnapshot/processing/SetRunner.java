package io.billingsnapshot.processing;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.db.SqlStates;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.store.ReferenceConstraints;
import io.billingsnapshot.time.Deadline;
import io.billingsnapshot.write.SnapshotWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postgresql.util.PSQLException;

/**
 * Runs one invocation's records through the {@link WriteEngine}, set by set, and isolates
 * failures. A set that fails is rolled back and split in halves, each run on its own, so one
 * poison record among n costs about 2·log2(n) extra transactions. A set of one that fails on a
 * recognised FK violation of a nullable reference is retried once, in a fresh transaction, with
 * that column NULL; other failures of a set of one fail that record alone.
 */
final class SetRunner {

    private static final JsonLog LOG = JsonLog.get(SetRunner.class);

    private final WriteEngine engine;
    private final InvocationConnection connection;
    private final Deadline deadline;
    private final Instant now;
    private final Metrics metrics;
    private final FifoGroups groups = new FifoGroups();
    private final Outcome[] outcomes;

    SetRunner(WriteEngine engine, InvocationConnection connection, Deadline deadline, Instant now, Metrics metrics,
            int records) {
        this.engine = engine;
        this.connection = connection;
        this.deadline = deadline;
        this.now = now;
        this.metrics = metrics;
        this.outcomes = new Outcome[records];
    }

    /** Runs the set (then its halves, as far as needed); every record of it ends with an outcome. */
    void run(List<ParsedRecord> set) {
        if (set.isEmpty()) {
            return;
        }
        Optional<Exception> failed = attempt(set, Optional.empty());
        if (failed.isEmpty()) {
            return;
        }
        if (deadline.passed()) {
            failAll(set, FailureReason.DEADLINE_REACHED.failure());
        } else if (set.size() > 1) {
            metrics.increment(Metric.SET_SPLITS);
            logSplit(set.size(), failed.get());
            run(set.subList(0, set.size() / 2));
            run(set.subList(set.size() / 2, set.size()));
        } else {
            runAloneAfter(set, failed.get());
        }
    }

    /** The outcome of every record run so far, by batch position. */
    List<Outcome> outcomes() {
        return List.of(outcomes);
    }

    /**
     * A set of one gets one more transaction after a recognised FK violation (with that column
     * NULL) or after its row was not written (a concurrent duplicate committed first: the fresh
     * transaction locks that row and goes on from it; a trigger that skips the row skips it again).
     */
    private void runAloneAfter(List<ParsedRecord> one, Exception first) {
        Optional<ReferenceColumn> column = ReferenceConstraints.nullableColumnViolated(first);
        if (column.isEmpty() && !(first instanceof SnapshotWriter.RowNotWritten)) {
            failAll(one, Outcome.Failed.causedBy(first));
            return;
        }
        column.ifPresent(metrics::fkRetry);
        Optional<Exception> failed = attempt(one, column);
        failed.ifPresent(second -> {
            second.addSuppressed(first);
            failAll(one, Outcome.Failed.causedBy(second));
        });
        ParsedRecord item = one.get(0);
        if (failed.isEmpty() && column.isPresent() && outcomes[item.index()] instanceof Outcome.Written) {
            LOG.warn(LogEvent.WRITTEN_AFTER_FK_RETRY, "messageId", item.record().getMessageId(),
                    "requestLogId", item.message().orElseThrow().requestLogId(), "column", column.get().columnName());
        }
    }

    /**
     * One transaction for the set; every record ends with an outcome unless it is rolled back.
     *
     * @return why it was rolled back; empty when every record of the set has its outcome
     */
    private Optional<Exception> attempt(List<ParsedRecord> set, Optional<ReferenceColumn> nulled) {
        if (deadline.passed()) {
            failAll(set, FailureReason.DEADLINE_REACHED.failure());
            return Optional.empty();
        }
        Optional<Connection> c = connection.get();
        if (c.isEmpty()) {
            failAll(set, FailureReason.DATABASE_UNAVAILABLE.failure());
            return Optional.empty();
        }
        try {
            List<Outcome> committed = engine.write(c.get(), set, groups, nulled, now, deadline);
            for (int p = 0; p < set.size(); p++) {
                record(set.get(p), committed.get(p));
            }
            return Optional.empty();
        } catch (SQLException | SnapshotWriter.RowNotWritten | Deadline.OutOfTime | RuntimeException e) {
            connection.rollback();
            if (SqlStates.isConnectionError(e)) {
                connection.lost(); // the next set reconnects
            }
            return Optional.of(e);
        }
    }

    private void failAll(List<ParsedRecord> set, Outcome.Failed failed) {
        set.forEach(item -> record(item, failed));
    }

    private void record(ParsedRecord item, Outcome outcome) {
        outcomes[item.index()] = outcome;
        if (outcome instanceof Outcome.Failed) {
            groups.failed(item.record());
        }
    }

    /** The server's own text can quote the failing row (tokens, costs), so only its SQLState and constraint. */
    private static void logSplit(int records, Exception e) {
        if (e instanceof PSQLException sql && sql.getServerErrorMessage() != null) {
            LOG.warn(LogEvent.SET_SPLIT, "records", records, "sqlState", sql.getSQLState(),
                    "constraint", sql.getServerErrorMessage().getConstraint());
        } else if (e instanceof SQLException sql) {
            LOG.warn(LogEvent.SET_SPLIT, "records", records, "sqlState", sql.getSQLState());
        } else {
            LOG.warn(LogEvent.SET_SPLIT, "records", records, "reason", e.getClass().getSimpleName());
        }
    }
}
