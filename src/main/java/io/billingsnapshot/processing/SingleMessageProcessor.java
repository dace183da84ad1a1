package io.billingsnapshot.processing;

import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.SnapshotCalculator;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.ReferenceConstraints;
import io.billingsnapshot.store.RequestLogs;
import io.billingsnapshot.store.SnapshotTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Bills one message in its own transaction: reconcile, price, upsert, record the quota delta
 * in the outbox, commit.
 *
 * <p>The reconcile read narrows the FK race; only catching the violation closes it: a key or
 * upstream deleted between the read and the write makes the write fail with 23503. The failed
 * statement aborts the transaction, so the retry writes the same snapshot with that column
 * NULL in a fresh transaction (no savepoint on the common path), once.
 */
public final class SingleMessageProcessor {

    private static final JsonLog LOG = JsonLog.get(SingleMessageProcessor.class);

    private final RequestLogs requestLogs;
    private final PriceCatalog catalog;
    private final SnapshotTable snapshots;
    private final Outbox outbox;
    private final Supplier<UUID> deltaIds;
    private final Duration outboxLease;

    public SingleMessageProcessor(RequestLogs requestLogs, PriceCatalog catalog, SnapshotTable snapshots,
            Outbox outbox, Supplier<UUID> deltaIds, Duration outboxLease) {
        this.requestLogs = requestLogs;
        this.catalog = catalog;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.deltaIds = deltaIds;
        this.outboxLease = outboxLease;
    }

    /**
     * @throws SQLException for errors that are not an FK race on a nullable reference (or a
     *         second one); the transaction has been rolled back
     */
    public Outcome process(Connection c, RequestCompletion message, Instant now, Metrics metrics) throws SQLException {
        Snapshot snapshot = null;
        try {
            Optional<References> references = requestLogs.reconcile(c, message.requestLogId());
            if (references.isEmpty()) {
                c.rollback();
                return new Outcome.Failed("request_log_missing");
            }
            snapshot = price(c, message, references.get());
            return write(c, snapshot, now, 0);
        } catch (SQLException first) {
            rollback(c, first);
            Optional<ReferenceColumn> column = ReferenceConstraints.nullableColumnViolated(first);
            if (column.isEmpty() || snapshot == null) {
                throw first;
            }
            metrics.fkRetry(column.get());
            // WARN, so a LogLevel of WARN keeps it: the runbook of the FkRetries alarms starts here.
            LOG.warn("fk_retry", "requestLogId", message.requestLogId(), "column", column.get().columnName());
            return retryWithNull(c, snapshot.withNull(column.get()), now, first);
        }
    }

    /** The FK retry: the same priced snapshot with the violated column NULL, in a fresh transaction. */
    private Outcome retryWithNull(Connection c, Snapshot snapshot, Instant now, SQLException first)
            throws SQLException {
        try {
            return write(c, snapshot, now, 1);
        } catch (SQLException second) {
            rollback(c, second);
            second.addSuppressed(first);
            throw second;
        }
    }

    private static void rollback(Connection c, SQLException cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is broken; the caller discards it
        }
    }

    private Snapshot price(Connection c, RequestCompletion message, References references) throws SQLException {
        ModelCatalog models = message.model() == null ? ModelCatalog.EMPTY : catalog.load(c, message.model());
        return SnapshotCalculator.compute(message, references, models,
                requestLogs.multipliers(c, references.upstreamId()));
    }

    private Outcome write(Connection c, Snapshot snapshot, Instant now, int fkRetries) throws SQLException {
        Optional<BilledAmount> previous = snapshots.lockPrevious(c, snapshot.requestLogId());
        if (previous.isEmpty() && !snapshots.insertIfAbsent(c, snapshot, now)) {
            // A duplicate of this message committed first; its row is our previous one.
            previous = snapshots.lockPrevious(c, snapshot.requestLogId());
        }
        if (previous.isPresent()) {
            if (snapshot.billedAt().isBefore(previous.get().billedAt())) {
                c.rollback();
                return new Outcome.Stale();
            }
            snapshots.upsert(c, snapshot, now);
        }
        Optional<QuotaDelta> delta = delta(previous, snapshot);
        if (delta.isPresent()) {
            outbox.add(c, delta.get(), now, outboxLease);
        }
        c.commit();
        return new Outcome.Written(delta, fkRetries);
    }

    private Optional<QuotaDelta> delta(Optional<BilledAmount> previous, Snapshot written) {
        var adjustments = QuotaDeltaCalculator.adjustments(previous, written.billedAmount());
        return adjustments.isEmpty()
                ? Optional.empty()
                : Optional.of(new QuotaDelta(deltaIds.get(), written.requestLogId(), written.billedAt(),
                        written.currency(), adjustments));
    }
}
