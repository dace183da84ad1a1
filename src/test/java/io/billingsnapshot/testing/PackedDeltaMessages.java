package io.billingsnapshot.testing;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaJson;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A quota-delta message as docs/design.md §6 packs it, {@code {"deltas": [...]}}, each delta as
 * the real {@link DeltaJson} writes it, with exactly the deltas a test chooses. For the contract
 * tests and the reference consumer's tests, which must hold however the publisher groups deltas
 * (a re-publication packs whatever is pending then); what the publisher itself sends is checked
 * where the tests read it, in {@link PublishedMessage}.
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
