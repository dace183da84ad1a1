package io.billingsnapshot.write;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.time.TimeBudget;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * After a write step committed: publishes its deltas, every SQS call over by the budget's
 * {@code sqsCallsEnd}. The one publish-after-commit of batches and re-rating. A delta SQS did not
 * confirm stays in the outbox and is published again later under the same deltaId.
 */
public final class DeltaDelivery {

    private static final JsonLog LOG = JsonLog.get(DeltaDelivery.class);

    private final OutboxRelay relay;
    private final Clock clock;

    public DeltaDelivery(OutboxRelay relay, Clock clock) {
        this.relay = relay;
        this.clock = clock;
    }

    /**
     * @param c the connection that committed the deltas
     * @return the ids SQS accepted; empty when the outbox could not be updated after the SQS calls
     *     (logged): the deltas stay in the outbox, SQS may have some of them, and the caller ends the
     *     connection's transaction
     */
    public Optional<Set<UUID>> publish(Connection c, List<QuotaDelta> deltas, TimeBudget budget) {
        if (deltas.isEmpty()) {
            return Optional.of(Set.of());
        }
        try {
            Instant now = clock.instant();
            return Optional.of(relay.publish(c, deltas, now, budget));
        } catch (SQLException | RuntimeException e) {
            LOG.error(LogEvent.DELTA_PUBLISH_BOOKKEEPING_FAILED, e, "deltas", deltas.size());
            return Optional.empty();
        }
    }
}
