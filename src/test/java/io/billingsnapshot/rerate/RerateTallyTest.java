package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RepricingTest.flat;
import static io.billingsnapshot.rerate.RepricingTest.stored;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.Adjustment.Scope;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.store.SnapshotRange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RerateTallyTest {

    private final RerateTally tally = new RerateTally();

    /** Counts the row and, when it is rewritten, records it with the delta the write path computes. */
    private void rerate(Snapshot stored, ModelCatalog catalog) {
        Repricing repricing = Repricing.of(stored, catalog, Multipliers.NONE);
        tally.examined(repricing);
        if (repricing instanceof Repricing.Rewrite rewrite) {
            tally.written(rewrite, QuotaDeltaCalculator.adjustments(Optional.of(stored.billedAmount()),
                    rewrite.row().billedAmount()));
        }
    }

    @Test
    void countsEachKindOfRowAndNetsTheDeltasPerScopeAndId() {
        rerate(stored(ModelCatalog.EMPTY), flat(2, 8));   // billed now: +0.006
        rerate(stored(flat(2, 8)), flat(3, 8));            // corrected: +0.001
        rerate(stored(flat(2, 8)), ModelCatalog.EMPTY);    // unresolved
        rerate(stored(flat(2, 8)), flat(2, 8));            // unchanged

        RerateReport report = tally.report(Optional.empty());

        assertThat(report.examined()).isEqualTo(4);
        assertThat(report.changed()).isEqualTo(2);
        assertThat(report.billedNow()).isEqualTo(1);
        assertThat(report.unresolved()).isEqualTo(1);
        assertThat(report.adjustments()).containsExactly(
                new Adjustment(Scope.API_KEY, RepricingTest.REFERENCES.apiKeyId(), new BigDecimal("0.0070000000")),
                new Adjustment(Scope.UPSTREAM, RepricingTest.REFERENCES.upstreamId(), new BigDecimal("0.0070000000")));
        assertThat(tally.amountCorrected()).isEqualByComparingTo("0.007");
    }

    @Test
    void correctionsThatCancelOutLeaveNoAdjustment() {
        rerate(stored(flat(2, 8)), flat(3, 8)); // +0.001
        rerate(stored(flat(3, 8)), flat(2, 8)); // -0.001

        assertThat(tally.report(Optional.empty()).adjustments()).isEmpty();
        assertThat(tally.amountCorrected()).isEqualByComparingTo("0");
    }

    @Test
    void theResponseHasTheContractsFieldsWithPlainAmounts() {
        UUID key = UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001");
        SnapshotRange.Key next = new SnapshotRange.Key(Instant.parse("2026-11-30T10:00:00.000001Z"),
                UUID.fromString("cccccccc-0000-0000-0000-000000000002"));
        RerateReport report = new RerateReport(5, 2, 1, 1, List.of(
                new Adjustment(Scope.API_KEY, key, new BigDecimal("2.4210000000")),
                new Adjustment(Scope.UPSTREAM, key, new BigDecimal("-10.0000000000"))), Optional.of(next));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("examined", 5L);
        expected.put("changed", 2L);
        expected.put("billedNow", 1L);
        expected.put("unresolved", 1L);
        expected.put("adjustments", List.of(
                Map.of("scope", "api_key", "id", key.toString(), "amount", new BigDecimal("2.421")),
                Map.of("scope", "upstream", "id", key.toString(), "amount", new BigDecimal("-10"))));
        expected.put("next", "2026-11-30T10:00:00.000001Z/cccccccc-0000-0000-0000-000000000002");
        assertThat(report.toResponse()).containsExactlyEntriesOf(expected);
    }

    @Test
    void aFinishedRangeAnswersNextNull() {
        assertThat(tally.report(Optional.empty()).toResponse()).containsEntry("next", null).containsEntry("adjustments", List.of());
    }
}
