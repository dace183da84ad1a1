package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Moves committed deltas from the outbox to the queue: publish, then delete what SQS
 * accepted. A crash between the two re-publishes the same deltaId later, which consumers
 * deduplicate; nothing is deleted before SQS has it.
 */
public final class OutboxRelay {

    /** What one sweep did: deltas published, and what was still pending afterwards. */
    public record SweepResult(int claimed, int published, long pendingAfter) {
    }

    private final Outbox outbox;
    private final DeltaPublisher publisher;
    private final Duration lease;
    private final int sweepLimit;

    public OutboxRelay(Outbox outbox, DeltaPublisher publisher, Duration lease, int sweepLimit) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.lease = lease;
        this.sweepLimit = sweepLimit;
    }

    /**
     * Publishes deltas already committed to the outbox and removes the accepted ones; the
     * rejected ones are released for the next invocation to retry.
     *
     * @return the ids SQS accepted
     */
    public Set<UUID> publish(Connection c, List<QuotaDelta> deltas, Instant now) throws SQLException {
        if (deltas.isEmpty()) {
            return Set.of();
        }
        Set<UUID> accepted = publisher.publish(deltas);
        List<UUID> rejected = deltas.stream().map(QuotaDelta::deltaId).filter(id -> !accepted.contains(id)).toList();
        outbox.delete(c, accepted);
        outbox.release(c, rejected, now);
        c.commit();
        return accepted;
    }

    /** Publishes deltas left pending by earlier invocations (crashed, timed out, or failed to publish). */
    public SweepResult sweep(Connection c, Instant now) throws SQLException {
        Outbox.Claim claim = outbox.claimPending(c, now, lease, sweepLimit);
        c.commit();
        int published = publish(c, claim.deltas(), now).size();
        return new SweepResult(claim.deltas().size(), published, claim.pending() - published);
    }
}
