package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.store.SnapshotRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one re-rate call did, or with {@code dryRun} would do.
 *
 * @param examined rows read in the range (and filters)
 * @param changed rows written because their price changed
 * @param billedNow of those, rows that went from {@code unbilled} to {@code billed}
 * @param unresolved rows left as they are because they cannot be priced now (see {@link Repricing.Unresolved})
 * @param adjustments the net quota change over the call per scope and id, rounded to 10 decimals, zeros dropped
 * @param next where the next call continues (its {@code after}); empty when the range is done
 */
public record RerateReport(
        long examined,
        long changed,
        long billedNow,
        long unresolved,
        List<Adjustment> adjustments,
        Optional<SnapshotRange.Key> next) {

    public RerateReport {
        adjustments = List.copyOf(adjustments);
    }

    /** The report as the function answers it: JSON-ready maps, lists, numbers and strings. */
    public Map<String, Object> toResponse() {
        List<Map<String, Object>> netAdjustments = new ArrayList<>();
        for (Adjustment adjustment : adjustments) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("scope", adjustment.scope().wireName());
            entry.put("id", adjustment.id().toString());
            entry.put("amount", plain(adjustment.amount()));
            netAdjustments.add(entry);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("examined", examined);
        response.put("changed", changed);
        response.put("billedNow", billedNow);
        response.put("unresolved", unresolved);
        response.put("adjustments", netAdjustments);
        response.put("next", next.map(SnapshotRange.Key::toString).orElse(null));
        return response;
    }

    /** 2.421 rather than 2.4210000000, and 10 rather than 1E+1, as the published deltas write amounts. */
    private static BigDecimal plain(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
