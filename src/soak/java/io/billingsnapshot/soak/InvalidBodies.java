package io.billingsnapshot.soak;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Malformed request-completion bodies for the soak (the full catalogue lives in the corpus
 * tests). Any request log they name does not exist, so they can only end in the DLQ.
 */
final class InvalidBodies {

    private static final List<Function<String, String>> KINDS = List.of(
            id -> "not json at all",
            id -> "[\"an\", \"array\"]",
            id -> "{\"model\":\"gpt-4o\"}",
            id -> "{\"requestLogId\":\"1-1-1-1-1\"}",
            id -> String.format(Locale.ROOT, "{\"requestLogId\":\"%s\",\"usage\":{\"promptTokens\":-5}}", id),
            id -> String.format(Locale.ROOT, "{\"requestLogId\":\"%s\",\"usage\":{\"completionTokens\":1.5}}", id),
            id -> String.format(Locale.ROOT, "{\"requestLogId\":\"%s\",\"billedAt\":\"yesterday\"}", id),
            id -> String.format(Locale.ROOT, "{\"requestLogId\":\"%s\",\"requestLogId\":\"%s\"}", id, id),
            id -> String.format(Locale.ROOT, "{\"requestLogId\":\"%s\"} trailing", id));

    private InvalidBodies() {
    }

    /** The i-th kind in turn, so that a handful of invalid messages covers every kind. */
    static String pick(int i, Random random) {
        return KINDS.get(i % KINDS.size()).apply(ChaosWorkload.uuid(random).toString());
    }
}
