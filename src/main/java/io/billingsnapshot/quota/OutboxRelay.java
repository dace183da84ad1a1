package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Moves committed deltas from the outbox to the queue: publish, then delete what SQS
 * accepted. A crash between the two re-publishes the same deltaId later, which consumers
 * deduplicate; nothing is deleted before SQS has it. Every SQS call is bounded by the time the
 * caller gives; a delta not confirmed in that time is released for the next invocation.
 */
public final class OutboxRelay {

    private static final JsonLog LOG = JsonLog.get(OutboxRelay.class);

    /** What one sweep did: deltas claimed and published, and the outbox afterwards. */
    public record SweepResult(int claimed, int published, Outbox.Stats after) {
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
     * Publishes deltas already committed to the outbox within {@code sqsTimeLeft} and removes
     * the accepted ones; the ones SQS refused as invalid are set aside, the others released for
     * the next invocation to retry at once.
     *
     * @return the ids SQS accepted
     */
    public Set<UUID> publish(Connection c, List<QuotaDelta> deltas, Instant now, Duration sqsTimeLeft)
            throws SQLException {
        return publishAndBookkeep(c, deltas, now, sqsTimeLeft).accepted();
    }

    /**
     * Publishes deltas left pending by earlier invocations (crashed, timed out, or failed to
     * publish), its SQS calls ending by {@code stopAt}; at or after {@code stopAt} it only reads
     * the outbox's state. The state after a sweep is worked out from what the claim saw and what
     * the sweep did, with no extra statement.
     */
    public SweepResult sweep(Connection c, Instant now, Instant stopAt) throws SQLException {
        if (!now.isBefore(stopAt)) {
            return new SweepResult(0, 0, stats(c));
        }
        Outbox.Claim claim = outbox.claimPending(c, now, lease, sweepLimit);
        c.commit();
        claim.unreadable().forEach(id -> logQuarantined(id, Outbox.QuarantineReason.UNREADABLE_PAYLOAD));
        DeltaPublisher.Result result = publishAndBookkeep(c, claim.deltas(), now, Duration.between(now, stopAt));
        int setAside = claim.unreadable().size() + result.refused().size();
        Optional<Instant> oldest = Stream.concat(claim.before().oldestCreatedAt().stream(),
                claim.deltas().stream().map(QuotaDelta::deltaId)
                        .filter(id -> !result.accepted().contains(id) && !result.refused().contains(id))
                        .map(claim.createdAt()::get))
                .min(Instant::compareTo);
        Outbox.Stats after = new Outbox.Stats(claim.before().pending() - result.accepted().size() - setAside,
                oldest, claim.before().quarantined() + setAside);
        return new SweepResult(claim.deltas().size(), result.accepted().size(), after);
    }

    private Outbox.Stats stats(Connection c) throws SQLException {
        Outbox.Stats stats = outbox.stats(c);
        c.commit(); // ends the read's transaction: nothing is left open between invocations
        return stats;
    }

    private DeltaPublisher.Result publishAndBookkeep(Connection c, List<QuotaDelta> deltas, Instant now,
            Duration sqsTimeLeft) throws SQLException {
        if (deltas.isEmpty()) {
            return DeltaPublisher.Result.acceptedOnly(Set.of());
        }
        DeltaPublisher.Result result = publisher.publish(deltas, sqsTimeLeft);
        List<UUID> unconfirmed = deltas.stream().map(QuotaDelta::deltaId)
                .filter(id -> !result.accepted().contains(id) && !result.refused().contains(id)).toList();
        outbox.delete(c, result.accepted());
        quarantine(c, List.copyOf(result.refused()), Outbox.QuarantineReason.REFUSED_BY_SQS, now);
        outbox.release(c, unconfirmed, now);
        c.commit();
        return result;
    }

    private void quarantine(Connection c, List<UUID> deltaIds, Outbox.QuarantineReason reason, Instant now)
            throws SQLException {
        outbox.quarantine(c, deltaIds, reason, now);
        deltaIds.forEach(id -> logQuarantined(id, reason));
    }

    private static void logQuarantined(UUID deltaId, Outbox.QuarantineReason reason) {
        LOG.error("delta_quarantined", null, "deltaId", deltaId, "reason", reason.value());
    }
}
