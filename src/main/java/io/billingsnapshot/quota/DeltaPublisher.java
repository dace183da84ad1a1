package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Sends quota deltas to the quota trackers' queue. */
public interface DeltaPublisher {

    /**
     * What the queue did with the deltas of one publish: {@code accepted} are delivered;
     * {@code refused} were rejected as invalid and never will be accepted (they are set aside);
     * every other one failed for now and stays pending.
     */
    record Result(Set<UUID> accepted, Set<UUID> refused) {

        public Result {
            accepted = Set.copyOf(accepted);
            refused = Set.copyOf(refused);
        }

        public static Result acceptedOnly(Set<UUID> accepted) {
            return new Result(accepted, Set.of());
        }

        /** Neither accepted nor refused: the delta failed for now and stays pending. */
        public boolean pending(UUID deltaId) {
            return !accepted.contains(deltaId) && !refused.contains(deltaId);
        }
    }

    /**
     * Publishes the deltas within {@code timeLeft}, never throwing for a failed send: every call to
     * the queue is over by then, and a delta the queue did not confirm in time counts as failed
     * (neither accepted nor refused: it stays in the outbox).
     */
    Result publish(List<QuotaDelta> deltas, Duration timeLeft);
}
