package io.billingsnapshot.message;

/** Token counts of a request; each is a validated non-negative {@code int4}, 0 when absent. */
public record Usage(
        int promptTokens,
        int completionTokens,
        int totalTokens,
        int cacheReadTokens,
        int cacheWriteTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);
}
