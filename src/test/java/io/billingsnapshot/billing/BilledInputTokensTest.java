package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.message.Usage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BilledInputTokensTest {

    private static final int MAX = Integer.MAX_VALUE;

    private static Usage usage(int prompt, int cacheRead, int cacheWrite) {
        return new Usage(prompt, 10, 0, cacheRead, cacheWrite);
    }

    @Test
    void anthropicPromptThatIsExactlyTheCacheSumBillsNoInput() {
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(1_500, 1_000, 500))).isZero();
    }

    @Test
    void anthropicPromptThatDiffersFromTheCacheSumIsBilledWhole() {
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(1_600, 1_000, 500))).isEqualTo(1_600);
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(200, 1_000, 500))).isEqualTo(200);
    }

    @Test
    void anthropicPromptWithoutCacheIsBilledWholeEvenWhenZero() {
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(1_600, 0, 0))).isEqualTo(1_600);
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(0, 0, 0))).isZero();
    }

    @Test
    void anthropicCacheSumBeyondIntRangeIsComparedWithoutOverflow() {
        // As ints, MAX + 1 wraps to MIN_VALUE; in long it is 2^31, which no prompt can equal.
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(MAX, MAX, 1))).isEqualTo(MAX);
        assertThat(BilledInputTokens.of(ProviderType.ANTHROPIC, usage(MAX, MAX - 1, 1))).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ProviderType.class, names = {"OPENAI", "GOOGLE", "NONE"})
    void otherProvidersBillThePromptMinusCacheTokens(ProviderType provider) {
        assertThat(BilledInputTokens.of(provider, usage(1_600, 1_000, 500))).isEqualTo(100);
        assertThat(BilledInputTokens.of(provider, usage(1_500, 1_000, 500))).isZero();
        assertThat(BilledInputTokens.of(provider, usage(1_600, 0, 0))).isEqualTo(1_600);
    }

    @ParameterizedTest
    @EnumSource(value = ProviderType.class, names = {"OPENAI", "GOOGLE", "NONE"})
    void otherProvidersClampAtZeroWhenCacheExceedsThePrompt(ProviderType provider) {
        assertThat(BilledInputTokens.of(provider, usage(200, 1_000, 500))).isZero();
    }

    @Test
    void subtractionUsesLongArithmeticSoHugeCacheCountsDoNotWrapPositive() {
        // As ints, 10 - MAX - MAX wraps to 12.
        assertThat(BilledInputTokens.of(ProviderType.OPENAI, usage(10, MAX, MAX))).isZero();
        assertThat(BilledInputTokens.of(ProviderType.OPENAI, usage(MAX, 0, 0))).isEqualTo(MAX);
    }

    @Test
    void billedInputIsNeverNegativeNorAbovePromptForAnyCounts() {
        long seed = 20_240_523L;
        Random random = new Random(seed);
        int[] edges = {0, 1, 2, 1_000, MAX / 2, MAX - 1, MAX};
        for (int i = 0; i < 2_000; i++) {
            Usage usage = usage(count(random, edges), count(random, edges), count(random, edges));
            for (ProviderType provider : ProviderType.values()) {

                int billed = BilledInputTokens.of(provider, usage);

                assertThat(billed).as("seed %d, try %d: %s %s", seed, i, provider, usage)
                        .isBetween(0, usage.promptTokens());
            }
        }
    }

    private static int count(Random random, int[] edges) {
        return random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextInt(MAX) + 1;
    }
}
