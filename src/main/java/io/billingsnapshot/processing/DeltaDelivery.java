package io.billingsnapshot.processing;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.TimeBudget;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.quota.OutboxRelay;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** After the writes: publishes the batch's committed deltas, then sweeps those earlier invocations left pending. */
final class DeltaDelivery {

    private static final JsonLog LOG = JsonLog.get(DeltaDelivery.class);

    private final OutboxRelay relay;
    private final Clock clock;

    DeltaDelivery(OutboxRelay relay, Clock clock) {
        this.relay = relay;
        this.clock = clock;
    }

    /** @return the ids SQS accepted; the others stay in the outbox, re-published later under the same deltaId */
    Set<UUID> publish(InvocationConnection connection, List<QuotaDelta> deltas, Metrics metrics, TimeBudget budget) {
        Optional<Connection> c = connection.get();
        if (c.isEmpty() || deltas.isEmpty()) {
            return Set.of();
        }
        try {
            Instant now = clock.instant();
            Set<UUID> accepted = relay.publish(c.get(), deltas, now, budget);
            metrics.count(Metric.DELTAS_PUBLISHED, accepted.size());
            return accepted;
        } catch (SQLException | RuntimeException e) {
            // SQS may have the deltas; they stay in the outbox and are re-published under the same deltaId.
            LOG.error("delta_publish_bookkeeping_failed", e, "deltas", deltas.size());
            connection.lost();
            return Set.of();
        }
    }

    /**
     * Sweeps while there is time before the stop, the pending deltas of the batch's redelivered
     * requests first, and reports the outbox's state whenever it can be read.
     */
    void sweep(InvocationConnection connection, Collection<UUID> requestLogIds, Metrics metrics, TimeBudget budget) {
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
            LOG.error("outbox_sweep_failed", e);
            connection.rollback();
        }
    }
}
