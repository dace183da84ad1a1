package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.message.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link SnapshotCalculator#reprice}: a stored row priced again from its own values. */
class SnapshotRepricingTest {

    private static final UUID REQUEST_LOG_ID = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final References REFERENCES = new References(UUID.fromString("00000000-0000-0000-0000-0000000000a1"),
            UUID.fromString("00000000-0000-0000-0000-0000000000b1"), UUID.fromString("00000000-0000-0000-0000-0000000000c1"));
    private static final Instant BILLED_AT = Instant.parse("2026-11-30T10:00:00.123456Z");
    private static final Multipliers MULTIPLIERS = new Multipliers(1.5, 2);

    private static ModelCatalog flat(double input, double output) {
        return new ModelCatalog(List.of(), List.of(), Optional.empty(),
                Optional.of(new CatalogPrice(new Prices(input, output, null, null), null, null, null, null, 128_000, 16_384)));
    }

    private static RequestCompletion message(String model, ServiceTier effective, Usage usage) {
        return new RequestCompletion(REQUEST_LOG_ID, null, null, null, model, ServiceTier.STANDARD, effective, usage,
                BILLED_AT);
    }

    @Test
    void aBilledRowsPromptTokensAreBilledInputAndAreNotDerivedAgain() {
        // OpenAI counts cache tokens inside the prompt: 1,000 prompt with 400 cached bill 600 input tokens.
        Snapshot stored = SnapshotCalculator.compute(message("gpt-4o", ServiceTier.STANDARD,
                new Usage(1_000, 100, 1_100, 300, 100)), REFERENCES, flat(2, 8), MULTIPLIERS);
        assertThat(stored.promptTokens()).isEqualTo(600);

        Snapshot repriced = SnapshotCalculator.reprice(stored, flat(4, 8), MULTIPLIERS).orElseThrow();

        // Deriving again would bill 600 - 400 = 200 input tokens.
        assertThat(repriced.promptTokens()).isEqualTo(600);
        assertThat(repriced.baseInputPricePerMillion()).isEqualTo(4);
        // (600 x 4 + 300 x 4 + 100 x 4) x 1.5 + 100 x 8 x 2, per million
        assertThat(repriced.finalCost()).isEqualTo(0.0076);
        assertThat(repriced.cacheReadCost()).isEqualTo(0.0018);
    }

    @Test
    void anUnbilledRowsPromptTokensAreTheMessagesAndBilledInputIsDerivedFromThem() {
        RequestCompletion message = message("gpt-4o", ServiceTier.STANDARD, new Usage(1_000, 100, 1_100, 300, 100));
        Snapshot stored = SnapshotCalculator.compute(message, REFERENCES, ModelCatalog.EMPTY, MULTIPLIERS);
        assertThat(stored.unbillableReason()).isEqualTo("price_not_found");
        assertThat(stored.promptTokens()).isEqualTo(1_000);

        Snapshot repriced = SnapshotCalculator.reprice(stored, flat(2, 8), MULTIPLIERS).orElseThrow();

        assertThat(repriced).isEqualTo(SnapshotCalculator.compute(message, REFERENCES, flat(2, 8), MULTIPLIERS));
        assertThat(repriced.promptTokens()).isEqualTo(600);
    }

    @Test
    void tierThresholdsAreComparedWithTheStoredBilledInput() {
        TierRule above200k = new TierRule(200_000, "> 200k", new Prices(6, 22.5, null, null));
        ModelCatalog tiered = new ModelCatalog(List.of(above200k), List.of(), Optional.empty(), Optional.empty());
        // Anthropic: the prompt is the uncached input already; 250,000 of it is above the threshold.
        Snapshot stored = SnapshotCalculator.compute(message("claude-sonnet-4", ServiceTier.STANDARD,
                new Usage(250_000, 0, 0, 50_000, 0)), REFERENCES, flat(3, 15), Multipliers.NONE);
        assertThat(stored.matchedRuleType()).isEqualTo("flat");

        Snapshot repriced = SnapshotCalculator.reprice(stored, tiered, Multipliers.NONE).orElseThrow();

        assertThat(repriced.matchedRuleType()).isEqualTo("tiered");
        assertThat(repriced.appliedTierThreshold()).isEqualTo(200_000);
        assertThat(repriced.finalCost()).isEqualTo(1.8); // (250,000 + 50,000) x 6 per million
    }

    @Test
    void aBilledRowWhosePriceNoLongerResolvesCannotBeRepriced() {
        Snapshot stored = SnapshotCalculator.compute(message("gpt-4o", ServiceTier.STANDARD,
                new Usage(1_000, 100, 0, 0, 0)), REFERENCES, flat(2, 8), MULTIPLIERS);

        assertThat(SnapshotCalculator.reprice(stored, ModelCatalog.EMPTY, MULTIPLIERS)).isEmpty();
    }

    @Test
    void anUnbilledRowThatStillHasNoPriceStaysUnbilled() {
        Snapshot stored = SnapshotCalculator.compute(message("gpt-4o", ServiceTier.STANDARD,
                new Usage(1_000, 100, 0, 0, 0)), REFERENCES, ModelCatalog.EMPTY, MULTIPLIERS);

        assertThat(SnapshotCalculator.reprice(stored, ModelCatalog.EMPTY, MULTIPLIERS)).contains(stored);
    }

    @Test
    void aTierThisServiceDoesNotKnowCannotBeRepriced() {
        Snapshot stored = SnapshotCalculator.compute(message("gpt-4o", ServiceTier.STANDARD,
                new Usage(1_000, 100, 0, 0, 0)), REFERENCES, flat(2, 8), MULTIPLIERS);
        Snapshot gatewayWritten = new Snapshot(stored.requestLogId(), stored.references(), stored.model(), "flex", "flex",
                stored.billingStatus(), null, stored.priceSource(), 2.0, 8.0, null, null, "flat", null, null, null, null,
                1.5, 2.0, 1_000, 100, 1_100, 0, 0, 0.0, 0.0, stored.finalCost(), "USD", BILLED_AT);

        assertThat(SnapshotCalculator.reprice(gatewayWritten, flat(2, 8), MULTIPLIERS)).isEmpty();
    }

    /**
     * The property re-rating rests on: for any message and any two catalogs, the row stored under
     * the first catalog, re-priced under the second, is the row the message would be written as
     * under the second; except that a billed row whose price no longer resolves is not re-priced.
     */
    @Test
    void aRepricedRowIsTheRowTheMessageWouldBeWrittenAsNow() {
        Random random = new Random(20261201);
        int billedBoth = 0;
        int billedNow = 0;
        int unresolved = 0;
        int invalid = 0;
        for (int i = 0; i < 30_000; i++) {
            RequestCompletion message = randomMessage(random);
            References references = random.nextBoolean() ? REFERENCES : References.NONE;
            Multipliers then = randomMultipliers(random);
            Multipliers now = randomMultipliers(random);
            ModelCatalog before = randomCatalog(random);
            ModelCatalog after = randomCatalog(random);

            Snapshot stored = SnapshotCalculator.compute(message, references, before, then);
            Snapshot writtenNow = SnapshotCalculator.compute(message, references, after, now);
            Optional<Snapshot> repriced = SnapshotCalculator.reprice(stored, after, now);

            invalid += "price_invalid".equals(writtenNow.unbillableReason()) ? 1 : 0;
            boolean wasBilled = stored.billingStatus() == BillingStatus.BILLED;
            boolean isBilled = writtenNow.billingStatus() == BillingStatus.BILLED;
            if (wasBilled && !isBilled) {
                assertThat(repriced).as("case %d: %s", i, message).isEmpty();
                unresolved++;
            } else {
                assertThat(repriced).as("case %d: %s", i, message).contains(writtenNow);
                billedBoth += wasBilled ? 1 : 0;
                billedNow += !wasBilled && isBilled ? 1 : 0;
            }
            // Priced again with what it was priced with, a row is what is stored.
            assertThat(SnapshotCalculator.reprice(stored, before, then)).as("case %d", i).contains(stored);
        }
        // The generator reaches every branch.
        assertThat(billedBoth).isGreaterThan(1_000);
        assertThat(billedNow).isGreaterThan(1_000);
        assertThat(unresolved).isGreaterThan(1_000);
        assertThat(invalid).isGreaterThan(1_000);
    }

    private static final String[] MODELS = {"gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "llama-3", " ", null};
    private static final int[] TOKENS = {0, 1, 500, 1_000, 150_000, 250_000, Integer.MAX_VALUE};
    private static final int[] CACHE = {0, 0, 100, 500, 1_000};

    private static RequestCompletion randomMessage(Random random) {
        int prompt = TOKENS[random.nextInt(TOKENS.length)];
        int cacheRead = CACHE[random.nextInt(CACHE.length)];
        int cacheWrite = random.nextInt(4) == 0 ? prompt - cacheRead : CACHE[random.nextInt(CACHE.length)];
        Usage usage = new Usage(prompt, TOKENS[random.nextInt(TOKENS.length)],
                random.nextBoolean() ? 0 : TOKENS[random.nextInt(TOKENS.length)], cacheRead, Math.max(cacheWrite, 0));
        ServiceTier[] tiers = {ServiceTier.STANDARD, ServiceTier.FAST, ServiceTier.UNKNOWN, null};
        String model = MODELS[random.nextInt(MODELS.length)];
        return new RequestCompletion(UUID.randomUUID(), null, null, null, model == null || model.isBlank() ? null : model,
                random.nextBoolean() ? null : tiers[random.nextInt(2)], tiers[random.nextInt(tiers.length)], usage,
                BILLED_AT);
    }

    private static Multipliers randomMultipliers(Random random) {
        double[] values = {1, 0.5, 1.25, 0.3333333333, 1, 0.5, 1.25, 0.3333333333, 0, -1};
        return new Multipliers(values[random.nextInt(values.length)], values[random.nextInt(values.length)]);
    }

    private static ModelCatalog randomCatalog(Random random) {
        if (random.nextInt(3) == 0) {
            return ModelCatalog.EMPTY;
        }
        List<TierRule> manual = new ArrayList<>();
        List<TierRule> litellm = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            manual.add(new TierRule(200_000, "manual > 200k", prices(random)));
        }
        if (random.nextInt(3) == 0) {
            litellm.add(new TierRule(random.nextBoolean() ? 128_000 : 0, "litellm tier", prices(random)));
        }
        Optional<Prices> override = random.nextInt(4) == 0 ? Optional.of(prices(random)) : Optional.empty();
        Optional<CatalogPrice> row = random.nextInt(4) == 0 ? Optional.empty() : Optional.of(new CatalogPrice(
                prices(random), random.nextBoolean() ? 5.0 : null, random.nextBoolean() ? 20.0 : null,
                random.nextBoolean() ? 0.5 : null, null, random.nextBoolean() ? 200_000 : null, 8_192));
        return new ModelCatalog(manual, litellm, override, row);
    }

    private static Prices prices(Random random) {
        double[] values = {0.15, 2, 2.5, 3, 15, 0.0000123, 0.15, 2, 2.5, 3, 15, 0.0000123, 0, -20, Double.NaN};
        return new Prices(values[random.nextInt(values.length)], values[random.nextInt(values.length)],
                random.nextBoolean() ? null : values[random.nextInt(values.length)],
                random.nextBoolean() ? null : values[random.nextInt(values.length)]);
    }
}
