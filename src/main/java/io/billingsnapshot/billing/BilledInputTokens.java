package io.billingsnapshot.billing;

import io.billingsnapshot.message.Usage;

/** The input tokens that are charged at the input price, cache tokens being charged apart. */
public final class BilledInputTokens {

    private BilledInputTokens() {
    }

    /**
     * Never negative and never above the prompt tokens, so the result always fits an int.
     * Sums are taken in long: two counts of up to {@code Integer.MAX_VALUE} overflow an int.
     */
    public static int of(ProviderType provider, Usage usage) {
        long prompt = usage.promptTokens();
        long cached = (long) usage.cacheReadTokens() + usage.cacheWriteTokens();
        if (provider == ProviderType.ANTHROPIC) {
            // Anthropic reports uncached input apart from cache tokens, so the prompt count is
            // already the billable one; a prompt that is exactly the cache sum is all cache.
            return cached > 0 && prompt == cached ? 0 : usage.promptTokens();
        }
        // Other providers count cache tokens inside the prompt.
        return (int) Math.max(prompt - cached, 0);
    }
}
