package io.billingsnapshot.billing;

import io.billingsnapshot.billing.Adjustment.Scope;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
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
        List<Adjustment> parts = new ArrayList<>();
        previous.filter(BilledAmount::charges).ifPresent(row -> add(parts, row, charge(row).negate()));
        if (written.charges()) {
            add(parts, written, charge(written));
        }
        return net(parts);
    }

    /**
     * The net of {@code parts} per scope and id, rounded to 10 decimals, zeros dropped, in the
     * order of {@link #adjustments}: the net of one write's parts, or of many deltas' adjustments
     * (already rounded, so netting them again only adds them up).
     */
    public static List<Adjustment> net(Collection<Adjustment> parts) {
        Map<Key, BigDecimal> net = new TreeMap<>(ORDER);
        parts.forEach(part -> net.merge(new Key(part.scope(), part.id()), part.amount(), BigDecimal::add));
        List<Adjustment> adjustments = new ArrayList<>();
        net.forEach((key, amount) -> {
            BigDecimal rounded = Money.toAmount(amount);
            if (rounded.signum() != 0) {
                adjustments.add(new Adjustment(key.scope(), key.id(), rounded));
            }
        });
        return List.copyOf(adjustments);
    }

    /**
     * What the row charges: its cost when it {@link BilledAmount#charges() charges}, else zero.
     * Exact, not rounded yet: a previous row may have been written by the gateway with an
     * unrounded cost, and the rule rounds the net (docs/design.md §6).
     */
    public static BigDecimal charge(BilledAmount row) {
        return row.charges() ? Money.exact(row.finalCost()) : BigDecimal.ZERO;
    }

    /** Adds the amount to each reference the row holds: a reference set NULL gets nothing. */
    private static void add(List<Adjustment> parts, BilledAmount row, BigDecimal amount) {
        if (row.apiKeyId() != null) {
            parts.add(new Adjustment(Scope.API_KEY, row.apiKeyId(), amount));
        }
        if (row.upstreamId() != null) {
            parts.add(new Adjustment(Scope.UPSTREAM, row.upstreamId(), amount));
        }
    }

    private record Key(Scope scope, UUID id) {
    }
}
