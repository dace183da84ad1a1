package io.billingsnapshot.billing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The effective quota change caused by one snapshot write. {@code deltaId} is assigned when
 * the delta is recorded in the outbox and stays the same across re-publication, so that
 * consumers can deduplicate on it.
 */
public record QuotaDelta(
        UUID deltaId,
        UUID requestLogId,
        Instant billedAt,
        String currency,
        List<Adjustment> adjustments) {

    public QuotaDelta {
        adjustments = List.copyOf(adjustments);
    }
}
