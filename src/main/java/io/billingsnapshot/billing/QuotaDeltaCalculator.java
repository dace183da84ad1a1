package io.billingsnapshot.billing;

import io.billingsnapshot.billing.Adjustment.Scope;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/** The effective quota change of one snapshot write (docs/design.md §6). Pure. */
public final class QuotaDeltaCalculator {

    // UUIDs are ordered by their text form: UUID.compareTo compares signed longs, which puts
    // "8..." to "f..." before "0...", an order no reader of a delta would expect.
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::scope)
            .thenComparing(key -> key.id().toString());

    private QuotaDeltaCalculator() {
    }

    /**
     * The delta of one write: from the request's row before it to the row the database reports
     * written; empty when nothing changes.
     *
     * @param deltaId the new delta's id, used only when there is a delta
     */
    public static Optional<QuotaDelta> delta(UUID requestLogId, Optional<BilledAmount> previous, BilledAmount written,
            Supplier<UUID> deltaId) {
        List<Adjustment> adjustments = adjustments(previous, written);
        return adjustments.isEmpty()
                ? Optional.empty()
                : Optional.of(new QuotaDelta(deltaId.get(), requestLogId, written.billedAt(), Snapshot.CURRENCY,
                        adjustments));
    }

    /**
     * @param previous the snapshot row before this write, read under a row lock
     * @param written the row as actually written (after any FK retry set a reference NULL)
     * @return net adjustments per id, rounded to 10 decimals, zeros dropped; empty when nothing
     *     changes. Ordered: API keys before upstreams, then by id.
     */
    public static List<Adjustment> adjustments(Optional<BilledAmount> previous, BilledAmount written) {
        Map<Key, BigDecimal> net = new TreeMap<>(ORDER);
        previous.filter(BilledAmount::charges).ifPresent(row -> add(net, row, cost(row).negate()));
        if (written.charges()) {
            add(net, written, cost(written));
        }
        List<Adjustment> adjustments = new ArrayList<>();
        net.forEach((key, amount) -> {
            BigDecimal rounded = amount.setScale(Money.SCALE, RoundingMode.HALF_UP);
            if (rounded.signum() != 0) {
                adjustments.add(new Adjustment(key.scope(), key.id(), rounded));
            }
        });
        return List.copyOf(adjustments);
    }

    /**
     * Exact, not rounded yet: a previous row may have been written by the gateway with an
     * unrounded cost, and the rule rounds the net (docs/design.md §6).
     */
    private static BigDecimal cost(BilledAmount row) {
        return Money.exact(row.finalCost());
    }

    /** Adds the amount to each reference the row holds: a reference set NULL gets nothing. */
    private static void add(Map<Key, BigDecimal> net, BilledAmount row, BigDecimal amount) {
        addTo(net, Scope.API_KEY, row.apiKeyId(), amount);
        addTo(net, Scope.UPSTREAM, row.upstreamId(), amount);
    }

    private static void addTo(Map<Key, BigDecimal> net, Scope scope, UUID id, BigDecimal amount) {
        if (id != null) {
            net.merge(new Key(scope, id), amount, BigDecimal::add);
        }
    }

    private record Key(Scope scope, UUID id) {
    }
}
