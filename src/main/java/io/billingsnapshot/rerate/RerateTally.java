package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.Money;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.store.SnapshotRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The running totals of one re-rate call, chunk after chunk. Not thread-safe: one call, one thread. */
final class RerateTally {

    private long examined;
    private long changed;
    private long billedNow;
    private long unresolved;
    /** Exact sums per scope and id; netted (rounded, zeros dropped, ordered) when reported. */
    private final Map<Key, BigDecimal> sums = new HashMap<>();
    private BigDecimal corrected = BigDecimal.ZERO;

    /** A row read in the range, and what re-pricing decided for it. */
    void examined(Repricing repricing) {
        examined++;
        if (repricing instanceof Repricing.Unresolved) {
            unresolved++;
        }
    }

    /** A row written, with the adjustments of the quota delta recorded for it. */
    void written(Repricing.Rewrite rewrite, List<Adjustment> delta) {
        changed++;
        if (rewrite.billedNow()) {
            billedNow++;
        }
        delta.forEach(a -> sums.merge(new Key(a.scope(), a.id()), a.amount(), BigDecimal::add));
        corrected = corrected.add(QuotaDeltaCalculator.charge(rewrite.row().billedAmount()))
                .subtract(QuotaDeltaCalculator.charge(rewrite.stored().billedAmount()));
    }

    /** The net change of the charged amount over the call: the sum of every written row's new cost minus its old. */
    BigDecimal amountCorrected() {
        return Money.toAmount(corrected);
    }

    RerateReport report(Optional<SnapshotRange.Key> next) {
        List<Adjustment> parts = new ArrayList<>(sums.size());
        sums.forEach((key, sum) -> parts.add(new Adjustment(key.scope(), key.id(), sum)));
        return new RerateReport(examined, changed, billedNow, unresolved, QuotaDeltaCalculator.net(parts), next);
    }

    private record Key(Adjustment.Scope scope, UUID id) {
    }
}
