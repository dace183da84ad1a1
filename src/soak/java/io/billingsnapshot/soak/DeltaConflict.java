package io.billingsnapshot.soak;

/** A deltaId published twice with different contents: a consumer deduping on it would lose one. */
public record DeltaConflict(String deltaId, String firstBody, String conflictingBody) {
}
