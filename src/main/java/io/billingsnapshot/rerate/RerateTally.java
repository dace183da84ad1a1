package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.Money;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The running totals of one re-rate call, chunk after chunk. Not thread-safe: one call, one thread. */
final class RerateTally {

    private long examined;
    private long changed;
    private long billedNow;
    private long unresolved;
    private List<Adjustment> net = List.of();
    private BigDecimal corrected = BigDecimal.ZERO;

    /** A row read in the range, and what re-pricing decided for it. */
    void examined(Repricing repricing) {
        examined++;
        if (repricing instanceof Repricing.Unresolved) {
            unresolved++;
        }
    }

    /**
     * A row written, with the adjustments of the quota delta recorded for it. Kept as the net so
     * far: the deltas are rounded already, so netting them again as they come changes nothing.
     */
    void written(Repricing.Rewrite rewrite, List<Adjustment> delta) {
        changed++;
        if (rewrite.billedNow()) {
            billedNow++;
        }
        List<Adjustment> parts = new ArrayList<>(net);
        parts.addAll(delta);
        net = QuotaDeltaCalculator.net(parts);
        corrected = corrected.add(charge(rewrite.row().billedAmount())).subtract(charge(rewrite.stored().billedAmount()));
    }

    /** The net change of the charged amount over the call: the sum of every written row's new cost minus its old. */
    BigDecimal amountCorrected() {
        return Money.toAmount(corrected);
    }

    RerateReport report(Optional<RerateCursor> next) {
        return new RerateReport(examined, changed, billedNow, unresolved, net, next);
    }

    private static BigDecimal charge(BilledAmount row) {
        return row.charges() ? Money.exact(row.finalCost()) : BigDecimal.ZERO;
    }
}
