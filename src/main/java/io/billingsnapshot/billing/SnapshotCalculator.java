package io.billingsnapshot.billing;

import io.billingsnapshot.message.RequestCompletion;

/** Turns a message, its reconciled references and the model's prices into a snapshot. Pure. */
public final class SnapshotCalculator {

    private SnapshotCalculator() {
    }

    public static Snapshot compute(RequestCompletion message, References references, ModelCatalog catalog,
            Multipliers multipliers) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
