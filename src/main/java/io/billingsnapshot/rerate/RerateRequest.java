package io.billingsnapshot.rerate;

import io.billingsnapshot.store.SnapshotRange;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A validated re-rate request: re-price the snapshots whose {@code billed_at} lies in
 * {@code [from, to)}.
 *
 * @param from inclusive, to the microsecond
 * @param to exclusive, to the microsecond; after {@code from}, at most 31 days later
 * @param models the models to re-price; empty means every model
 * @param onlyUnbilled only rows stored {@code unbilled}
 * @param dryRun report what a run would do, writing and publishing nothing
 * @param after continue after this position (a previous call's {@code next}); it lies in the range
 */
public record RerateRequest(
        Instant from,
        Instant to,
        Set<String> models,
        boolean onlyUnbilled,
        boolean dryRun,
        Optional<SnapshotRange.Key> after) {

    public RerateRequest {
        models = Set.copyOf(models);
    }
}
