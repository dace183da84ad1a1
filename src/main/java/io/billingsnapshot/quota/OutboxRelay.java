package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.time.TimeBudget;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Moves committed deltas from the outbox to the queue: publish, then delete what SQS
 * accepted. A crash between the two re-publishes the same deltaId later, which consumers
 * deduplicate; nothing is deleted before SQS has it. Every SQS call and every statement is
 * bounded by the caller's {@link TimeBudget}; a delta not confirmed in time is released for the
 * next claim.
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
     * Publishes deltas already committed to the outbox, SQS calls ending by the budget's
     * {@code sqsCallsEnd}, and removes the accepted ones; the ones SQS refused as invalid are set
     * aside, the others released for the next claim to take at once.
     *
     * @return the ids SQS accepted
     */
    public Set<UUID> publish(Connection c, List<QuotaDelta> deltas, Instant now, TimeBudget budget)
            throws SQLException {
        Ends ends = Ends.of(now, budget);
        return publishAndBookkeep(c, deltas, now, Ends.left(ends.sqsCalls()), ends).accepted();
    }

    /**
     * Publishes deltas left pending by earlier invocations (crashed, timed out, or failed to
     * publish): first claim the pending deltas of {@code requestLogIds} (a redelivered record's
     * delta goes out at once) and the oldest {@code sweepLimit}, then keep claiming the oldest
     * while every delta claimed went out and the budget's {@code stopWork} has not come. At or
     * after {@code stopWork} it only reads the outbox's state. The state after a sweep is worked
     * out from what the last claim saw and what was done since, with no extra statement.
     */
    public SweepResult sweep(Connection c, Collection<UUID> requestLogIds, Instant now, TimeBudget budget)
            throws SQLException {
        Ends ends = Ends.of(now, budget);
        if (Ends.left(ends.stopWork()).isZero()) {
            Outbox.Stats stats = outbox.stats(c, Ends.left(ends.databaseCalls()));
            c.commit(); // ends the read's transaction: nothing is left open between invocations
            return new SweepResult(0, 0, stats);
        }
        int claimed = 0;
        int published = 0;
        Collection<UUID> requests = requestLogIds;
        while (true) {
            Outbox.Claim claim = outbox.claimPending(c, requests, now, lease, sweepLimit,
                    Ends.left(ends.databaseCalls()));
            c.commit();
            claim.unreadable().forEach((id, why) -> logQuarantined(id, Outbox.QuarantineReason.UNREADABLE_PAYLOAD, why));
            // A claim starts only before the stop; its SQS calls may use the reserve's SQS time, as the
            // batch's own do, so the last claim of an invocation goes out rather than back.
            DeltaPublisher.Result result = publishAndBookkeep(c, claim.deltas(), now, Ends.left(ends.sqsCalls()), ends);
            claimed += claim.deltas().size();
            published += result.accepted().size();
            boolean full = sweepLimit > 0 && claim.deltas().size() + claim.unreadable().size() >= sweepLimit;
            boolean allOut = result.accepted().size() + result.refused().size() == claim.deltas().size();
            if (!full || !allOut || Ends.left(ends.stopWork()).isZero()) {
                return new SweepResult(claimed, published, after(claim, result));
            }
            requests = List.of();
        }
    }

    /** The outbox after a claim and its publishing, from the state the claim saw. */
    private static Outbox.Stats after(Outbox.Claim claim, DeltaPublisher.Result result) {
        int setAside = claim.unreadable().size() + result.refused().size();
        Optional<Instant> oldest = Stream.concat(claim.before().oldestCreatedAt().stream(),
                claim.deltas().stream().map(QuotaDelta::deltaId)
                        .filter(result::pending)
                        .map(claim.createdAt()::get))
                .min(Instant::compareTo);
        return new Outbox.Stats(Math.max(0, claim.before().pending() - result.accepted().size() - setAside),
                oldest, claim.before().quarantined() + setAside);
    }

    private DeltaPublisher.Result publishAndBookkeep(Connection c, List<QuotaDelta> deltas, Instant now,
            Duration sqsTimeLeft, Ends ends) throws SQLException {
        if (deltas.isEmpty()) {
            return DeltaPublisher.Result.acceptedOnly(Set.of());
        }
        DeltaPublisher.Result result = publisher.publish(deltas, sqsTimeLeft);
        List<UUID> unconfirmed = deltas.stream().map(QuotaDelta::deltaId)
                .filter(result::pending).toList();
        outbox.delete(c, result.accepted(), Ends.left(ends.databaseCalls()));
        outbox.quarantine(c, result.refused(), Outbox.QuarantineReason.REFUSED_BY_SQS, now,
                Ends.left(ends.databaseCalls()));
        outbox.release(c, unconfirmed, now, Ends.left(ends.databaseCalls()));
        c.commit();
        result.refused().forEach(id -> logQuarantined(id, Outbox.QuarantineReason.REFUSED_BY_SQS, null));
        return result;
    }

    private static void logQuarantined(UUID deltaId, Outbox.QuarantineReason reason, String why) {
        LOG.error(LogEvent.DELTA_QUARANTINED, null, "deltaId", deltaId, "reason", reason.wireName(), "detail", why);
    }

    /**
     * The budget's ends on the monotonic clock, taken from the caller's {@code now}: the rows keep
     * the instants the caller passed (leases, releases), while the waits are measured as they pass.
     */
    private record Ends(long stopWork, long sqsCalls, long databaseCalls) {

        static Ends of(Instant now, TimeBudget budget) {
            long start = System.nanoTime();
            return new Ends(start + TimeBudget.left(now, budget.stopWork()).toNanos(),
                    start + TimeBudget.left(now, budget.sqsCallsEnd()).toNanos(),
                    start + TimeBudget.left(now, budget.databaseCallsEnd()).toNanos());
        }

        static Duration left(long endNanos) {
            return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
        }
    }
}
