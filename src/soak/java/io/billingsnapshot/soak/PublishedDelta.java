package io.billingsnapshot.soak;

import io.billingsnapshot.billing.QuotaDelta;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One published quota delta (docs/design.md §6) in a normal form: amounts without trailing zeros
 * and adjustments sorted, so that two publications are equal exactly when they mean the same
 * thing, however they were written.
 */
record PublishedDelta(UUID deltaId, UUID requestLogId, Instant billedAt, String currency,
        List<Adjustment> adjustments) {

    /** One adjustment of a delta. */
    record Adjustment(AdjustmentTarget target, BigDecimal amount) {
    }

    private static final Comparator<Adjustment> ORDER = Comparator
            .comparing((Adjustment a) -> a.target().scope())
            .thenComparing(a -> a.target().id())
            .thenComparing(Adjustment::amount);

    PublishedDelta {
        adjustments = List.copyOf(adjustments);
    }

    /** A delta as the tests' one reader of published messages ({@code testing.PublishedMessage}) read it. */
    static PublishedDelta of(QuotaDelta delta) {
        return new PublishedDelta(delta.deltaId(), delta.requestLogId(), delta.billedAt(), delta.currency(),
                delta.adjustments().stream()
                        .map(a -> new Adjustment(new AdjustmentTarget(a.scope().wireName(), a.id()),
                                a.amount().stripTrailingZeros()))
                        .sorted(ORDER).toList());
    }
}
