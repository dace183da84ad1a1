package io.billingsnapshot.billing;

/**
 * The active synced ({@code litellm}) catalog row of a model, the one with the latest
 * {@code synced_at}. Priority prices are those of the {@code fast} tier and may be null.
 */
public record CatalogPrice(
        Prices standard,
        Double priorityInput,
        Double priorityOutput,
        Double priorityCacheRead,
        Double priorityCacheWrite,
        Integer maxInputTokens,
        Integer maxOutputTokens) {
}
