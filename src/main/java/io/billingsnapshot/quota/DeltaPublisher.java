package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Sends quota deltas to the quota trackers' queue. */
public interface DeltaPublisher {

    /**
     * Publishes the deltas, never throwing for a failed send.
     *
     * @return the ids of the deltas the queue accepted; every other one failed and must stay in the outbox
     */
    Set<UUID> publish(List<QuotaDelta> deltas);
}
