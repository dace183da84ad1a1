package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.SnapshotCalculator;
import java.util.Optional;

/** What re-rating does with one stored row, decided from the catalog as it stands now. Pure. */
public sealed interface Repricing {

    /** Priced now, the row is what is stored: it is left untouched. */
    record Unchanged() implements Repricing {
    }

    /**
     * The row cannot be priced now and is left as it is: a billed row whose price no longer
     * resolves or is no longer one it can be billed at (re-rating never un-bills, so never
     * refunds the charge for a price gone negative), or an effective tier this service does not know.
     */
    record Unresolved() implements Repricing {
    }

    /** The row as priced now differs from the stored one: it is written, and its quota delta recorded. */
    record Rewrite(Snapshot stored, Snapshot row) implements Repricing {

        /** The row goes from {@code unbilled} to {@code billed}. */
        public boolean billedNow() {
            return stored.billingStatus() == BillingStatus.UNBILLED && row.billingStatus() == BillingStatus.BILLED;
        }
    }

    /**
     * @param stored the row as stored
     * @param catalog its model's catalog now ({@link ModelCatalog#EMPTY} when it has none)
     * @param multipliers its upstream's multipliers now, {@link Multipliers#NONE} without an upstream
     */
    static Repricing of(Snapshot stored, ModelCatalog catalog, Multipliers multipliers) {
        Optional<Snapshot> repriced = SnapshotCalculator.reprice(stored, catalog, multipliers);
        if (repriced.isEmpty()) {
            return new Unresolved();
        }
        return repriced.get().equals(stored) ? new Unchanged() : new Rewrite(stored, repriced.get());
    }
}
