package io.billingsnapshot.processing;

import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.store.SnapshotBatchSql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ordering rule (SPEC section 5) applied to every message of one request in a batch at
 * once, ending exactly where processing them one by one, in batch order, would end. Pure.
 *
 * <p>Precisely: start with the stored row's {@code billed_at} as the current time (none when
 * there is no row). Walk the messages in batch order; a message whose {@code billedAt} is
 * strictly before the current time is stale; any other one is written and its
 * {@code billedAt}, as the column stores it (microseconds), becomes the current time. So equal
 * times overwrite, the last of them winning, and the row left is that of the last message
 * with the greatest {@code billedAt}, unless even that one is older than the stored row.
 */
final class OrderingRule {

    /**
     * @param stale per message, in batch order: true when the message is stale
     * @param winner the last written message, whose row is the request's final row; empty when all are stale
     * @param row the row sent to the upsert: the winner's, else the newest stale one, which the
     *     upsert's own staleness filter is expected to drop
     */
    record Resolution(List<Boolean> stale, Optional<Integer> winner, Snapshot row) {
    }

    private OrderingRule() {
    }

    /**
     * @param messages the request's snapshots, in batch order; at least one
     * @param storedBilledAt the stored row's {@code billed_at}, if there is a row
     */
    static Resolution resolve(List<Snapshot> messages, Optional<Instant> storedBilledAt) {
        Instant current = storedBilledAt.orElse(null);
        List<Boolean> stale = new ArrayList<>(messages.size());
        Integer winner = null;
        int newest = 0;
        for (int i = 0; i < messages.size(); i++) {
            Instant billedAt = messages.get(i).billedAt();
            boolean isStale = current != null && billedAt.isBefore(current);
            stale.add(isStale);
            if (!isStale) {
                winner = i;
                current = SnapshotBatchSql.asStored(billedAt);
            }
            if (!billedAt.isBefore(messages.get(newest).billedAt())) {
                newest = i;
            }
        }
        return new Resolution(stale, Optional.ofNullable(winner), messages.get(winner != null ? winner : newest));
    }
}
