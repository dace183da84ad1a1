package io.billingsnapshot.testing;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaJson;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A quota-delta message as docs/design.md §6 packs it, {@code {"deltas": [...]}}, each delta as
 * the real {@link DeltaJson} writes it. For the contract tests and the reference consumer's tests,
 * which must not depend on how the publisher groups deltas; where the publisher writes this
 * envelope itself, its writer replaces this one.
 */
public final class PackedDeltaMessages {

    private PackedDeltaMessages() {
    }

    public static String pack(List<QuotaDelta> deltas) {
        return deltas.stream().map(DeltaJson::write).collect(Collectors.joining(",", "{\"deltas\":[", "]}"));
    }

    public static String pack(QuotaDelta... deltas) {
        return pack(List.of(deltas));
    }
}
