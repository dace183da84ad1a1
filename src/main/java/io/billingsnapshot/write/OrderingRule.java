package io.billingsnapshot.write;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ordering rule (docs/design.md §5) applied to every write of one request in a set at once,
 * ending exactly where applying them one by one, in order, would end. Pure.
 *
 * <p>Start with the stored row's {@code billed_at} as the current time (none without a row).
 * Walk the writes in order; one whose {@code billedAt} is strictly before the current time is
 * stale; any other one is written and its {@code billedAt} becomes the current time. So equal
 * times overwrite, the last of them winning. Instants are compared as they are: the parser and
 * the column both keep microseconds, so a message and its stored row compare as the database
 * would compare them.
 */
final class OrderingRule {

    /**
     * @param stale per write, in order: true when it is stale
     * @param winner the last write not stale, whose row is the request's final row; empty when all are stale
     */
    record Resolution(List<Boolean> stale, Optional<Integer> winner) {
    }

    private OrderingRule() {
    }

    /** The one comparison: older than the current row is stale, equal or newer overwrites. */
    static boolean isStale(Instant billedAt, Instant current) {
        return billedAt.isBefore(current);
    }

    /**
     * @param billedAts the billed-at times of the request's writes, in order; at least one
     * @param stored the stored row's {@code billed_at}, if there is a row
     */
    static Resolution resolve(List<Instant> billedAts, Optional<Instant> stored) {
        Optional<Instant> current = stored;
        List<Boolean> stale = new ArrayList<>(billedAts.size());
        Optional<Integer> winner = Optional.empty();
        for (int i = 0; i < billedAts.size(); i++) {
            Instant billedAt = billedAts.get(i);
            boolean isStale = current.isPresent() && isStale(billedAt, current.get());
            stale.add(isStale);
            if (!isStale) {
                winner = Optional.of(i);
                current = Optional.of(billedAt);
            }
        }
        return new Resolution(stale, winner);
    }
}
