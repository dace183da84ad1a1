package io.billingsnapshot.billing;

import java.time.Instant;
import java.util.UUID;

/**
 * The part of a stored snapshot that quota depends on: whom it charged, and how much.
 * Read back (under a row lock) as the previous snapshot of a request, and taken from the
 * written row for the new one.
 */
public record BilledAmount(
        UUID apiKeyId,
        UUID upstreamId,
        BillingStatus billingStatus,
        Double finalCost,
        Instant billedAt) {

    /** True when this row charges quota: billed with a positive cost. */
    public boolean charges() {
        return billingStatus == BillingStatus.BILLED && finalCost != null && finalCost > 0;
    }
}
