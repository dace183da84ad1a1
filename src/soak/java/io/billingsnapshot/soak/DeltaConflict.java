package io.billingsnapshot.soak;

/** A deltaId published twice with different contents (each in its normal form): a consumer deduping on it would lose one. */
public record DeltaConflict(String deltaId, String first, String conflicting) {
}
