package io.billingsnapshot.billing;

import java.util.List;
import java.util.Optional;

/** The effective quota change of one snapshot write (SPEC section 5, "Quota delta"). Pure. */
public final class QuotaDeltaCalculator {

    private QuotaDeltaCalculator() {
    }

    /**
     * @param previous the snapshot row before this write, read under a row lock
     * @param written the row as actually written (after any FK retry set a reference NULL)
     * @return net adjustments per id, rounded to 10 decimals, zeros dropped; empty when nothing changes
     */
    public static List<Adjustment> adjustments(Optional<BilledAmount> previous, BilledAmount written) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
