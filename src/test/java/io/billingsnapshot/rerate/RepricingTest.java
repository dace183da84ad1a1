package io.billingsnapshot.rerate;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.SnapshotCalculator;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RepricingTest {

    static final References REFERENCES = new References(UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001"),
            UUID.fromString("bbbbbbbb-0000-0000-0000-000000000001"), null);
    static final Usage USAGE = new Usage(1_000, 500, 1_500, 0, 0);

    static ModelCatalog flat(double input, double output) {
        return new ModelCatalog(List.of(), List.of(), Optional.empty(),
                Optional.of(new CatalogPrice(new Prices(input, output, null, null), null, null, null, null, null, null)));
    }

    static Snapshot stored(ModelCatalog catalog) {
        RequestCompletion message = new RequestCompletion(UUID.fromString("cccccccc-0000-0000-0000-000000000001"),
                null, null, null, "gpt-4o", ServiceTier.STANDARD, ServiceTier.STANDARD, USAGE,
                Instant.parse("2026-11-30T10:00:00Z"));
        return SnapshotCalculator.compute(message, REFERENCES, catalog, Multipliers.NONE);
    }

    @Test
    void aRowPricedAsStoredIsUnchanged() {
        assertThat(Repricing.of(stored(flat(2, 8)), flat(2, 8), Multipliers.NONE)).isInstanceOf(Repricing.Unchanged.class);
    }

    @Test
    void aCorrectedPriceRewritesTheRow() {
        Snapshot stored = stored(flat(2, 8));

        Repricing repricing = Repricing.of(stored, flat(2.5, 8), Multipliers.NONE);

        assertThat(repricing).isInstanceOf(Repricing.Rewrite.class);
        Repricing.Rewrite rewrite = (Repricing.Rewrite) repricing;
        assertThat(rewrite.stored()).isEqualTo(stored);
        assertThat(rewrite.row().finalCost()).isEqualTo(0.0065);
        assertThat(rewrite.billedNow()).isFalse();
    }

    @Test
    void anUpstreamsNewMultiplierRewritesTheRow() {
        Repricing repricing = Repricing.of(stored(flat(2, 8)), flat(2, 8), new Multipliers(1, 2));

        assertThat(((Repricing.Rewrite) repricing).row().finalCost()).isEqualTo(0.01);
    }

    @Test
    void anUnbilledRowWhosePriceNowExistsIsBilledNow() {
        Repricing repricing = Repricing.of(stored(ModelCatalog.EMPTY), flat(2, 8), Multipliers.NONE);

        Repricing.Rewrite rewrite = (Repricing.Rewrite) repricing;
        assertThat(rewrite.row().billingStatus()).isEqualTo(BillingStatus.BILLED);
        assertThat(rewrite.billedNow()).isTrue();
    }

    @Test
    void aBilledRowWhosePriceIsGoneIsUnresolvedNeverUnbilled() {
        assertThat(Repricing.of(stored(flat(2, 8)), ModelCatalog.EMPTY, Multipliers.NONE))
                .isInstanceOf(Repricing.Unresolved.class);
    }

    @Test
    void anUnbilledRowStillWithoutAPriceIsUnchanged() {
        assertThat(Repricing.of(stored(ModelCatalog.EMPTY), ModelCatalog.EMPTY, Multipliers.NONE))
                .isInstanceOf(Repricing.Unchanged.class);
    }

    @Test
    void aBilledRowWhosePriceTurnedNegativeIsUnresolvedSoItsChargeIsNeverRefunded() {
        assertThat(Repricing.of(stored(flat(2, 8)), flat(2, -20), Multipliers.NONE))
                .isInstanceOf(Repricing.Unresolved.class);
        assertThat(Repricing.of(stored(flat(2, 8)), flat(2, 8), new Multipliers(1, -1)))
                .isInstanceOf(Repricing.Unresolved.class);
        assertThat(Repricing.of(stored(flat(2, 8)), flat(Double.NaN, 8), Multipliers.NONE))
                .isInstanceOf(Repricing.Unresolved.class);
    }

    @Test
    void pricesThatYieldNoFiniteCostAreUnresolved() {
        assertThat(Repricing.of(stored(flat(2, 8)), flat(Double.MAX_VALUE, 8), new Multipliers(1e10, 1)))
                .isInstanceOf(Repricing.Unresolved.class);
    }

    @Test
    void anUnbilledRowWhosePriceArrivedInvalidIsRewrittenWithThatReasonAndStillCostsNothing() {
        Repricing repricing = Repricing.of(stored(ModelCatalog.EMPTY), flat(2, -20), Multipliers.NONE);

        Repricing.Rewrite rewrite = (Repricing.Rewrite) repricing;
        assertThat(rewrite.row().billingStatus()).isEqualTo(BillingStatus.UNBILLED);
        assertThat(rewrite.row().unbillableReason()).isEqualTo("price_invalid");
        assertThat(rewrite.row().finalCost()).isNull();
        assertThat(rewrite.billedNow()).isFalse();
    }
}
