package io.billingsnapshot.soak;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The gateway rows and the message stream of one soak, generated from a seed: request logs
 * spread over many API keys and upstreams (so that deleting one races with messages in
 * flight), priced, unpriced and usage-less models, duplicates, several versions of some
 * requests in shuffled order, and a few malformed bodies. Pure: {@link GatewaySeed} writes
 * the rows.
 */
record ChaosWorkload(
        List<UUID> users,
        List<UUID> apiKeys,
        Map<UUID, Double> upstreamInputMultipliers,
        Map<UUID, Request> requests,
        Map<UUID, Version> newestVersions,
        List<PlannedMessage> messages,
        Counts counts) {

    /** Requests are billed this far apart, their versions a second apart: 14,000 requests span under two days. */
    private static final Duration SPACING = Duration.ofSeconds(10);
    private static final int FIFO_GROUPS = 48;
    /** gpt-4o and claude-sonnet-4 are priced (see GatewaySeed); the third model has no price at all. */
    private static final List<String> MODELS = List.of("gpt-4o", "gpt-4o", "claude-sonnet-4", "mystery-model-7b");

    /** One request log and the references the gateway wrote into it. */
    record Request(UUID requestLogId, UUID apiKeyId, UUID upstreamId, UUID userId, String model) {
    }

    /** What was put in the stream, by kind. */
    record Counts(int requestLogs, int duplicates, int extraVersions, int invalid) {
    }

    /** One message to send; {@code groupId} is used on a FIFO queue only. */
    record PlannedMessage(String body, String groupId) {
    }

    /** The latest version sent for a request: its billedAt and completion tokens win. */
    record Version(Instant billedAt, int completionTokens) {
    }

    /**
     * @param now the soak's start: the requests are billed in the time just before it, well within
     *     MAX_BILLED_AT_AGE_DAYS of the function's clock whenever the soak runs
     */
    static ChaosWorkload generate(ChaosSettings settings, Random random, Instant now) {
        int n = settings.requestLogs();
        Instant firstBilledAt = now.truncatedTo(ChronoUnit.SECONDS).minus(SPACING.multipliedBy(n + 360L));
        List<UUID> users = ids(Math.max(2, n / 50), random);
        List<UUID> keys = ids(Math.max(4, n / 5), random);
        Map<UUID, Double> upstreams = new HashMap<>();
        double[] multipliers = {1, 1, 0.8, 1.25, 1.5, 2};
        for (UUID upstream : ids(Math.max(3, n / 20), random)) {
            upstreams.put(upstream, multipliers[random.nextInt(multipliers.length)]);
        }
        List<UUID> upstreamIds = List.copyOf(upstreams.keySet());

        Map<UUID, Request> requests = new HashMap<>();
        Map<UUID, Version> newest = new HashMap<>();
        List<PlannedMessage> messages = new ArrayList<>();
        int duplicates = 0;
        int extraVersions = 0;
        for (int i = 0; i < n; i++) {
            Request request = new Request(uuid(random), pick(keys, random), pick(upstreamIds, random),
                    pick(users, random), MODELS.get(random.nextInt(MODELS.size())));
            requests.put(request.requestLogId(), request);
            String group = "g" + random.nextInt(FIFO_GROUPS);
            int versions = random.nextDouble() < settings.versionRate() ? 2 + random.nextInt(2) : 1;
            extraVersions += versions - 1;
            for (int v = 0; v < versions; v++) {
                Instant billedAt = firstBilledAt.plus(SPACING.multipliedBy(i)).plusSeconds(v);
                boolean noUsage = random.nextInt(12) == 0;
                int completion = noUsage ? 0 : random.nextInt(20_000);
                newest.put(request.requestLogId(), new Version(billedAt, completion));
                String body = body(request, billedAt, noUsage, completion, random);
                messages.add(new PlannedMessage(body, group));
                if (random.nextDouble() < settings.duplicateRate()) {
                    messages.add(new PlannedMessage(body, group));
                    duplicates++;
                }
            }
        }
        int invalid = (int) Math.ceil(messages.size() * settings.invalidRate());
        for (int i = 0; i < invalid; i++) {
            messages.add(new PlannedMessage(InvalidBodies.pick(i, random), "g" + random.nextInt(FIFO_GROUPS)));
        }
        Collections.shuffle(messages, random);
        return new ChaosWorkload(users, keys, upstreams, requests, newest, messages,
                new Counts(n, duplicates, extraVersions, invalid));
    }

    /**
     * Usage varies per version; about one in twelve versions has no usage at all (unbilled),
     * and cache reads make the Anthropic and OpenAI input rules differ.
     */
    private static String body(Request r, Instant billedAt, boolean noUsage, int completion, Random random) {
        int prompt = noUsage ? 0 : 1 + random.nextInt(200_000);
        int cacheRead = noUsage || random.nextBoolean() ? 0 : random.nextInt(prompt + 1);
        return String.format(Locale.ROOT, """
                {"requestLogId":"%s","apiKeyId":"%s","upstreamId":"%s","userId":"%s","model":"%s",\
                "requestedServiceTier":"standard","effectiveServiceTier":"standard",\
                "usage":{"promptTokens":%d,"completionTokens":%d,"totalTokens":%d,"cacheReadTokens":%d},\
                "billedAt":"%s"}""", r.requestLogId(), r.apiKeyId(), r.upstreamId(), r.userId(), r.model(),
                prompt, completion, prompt + completion, cacheRead, billedAt);
    }

    private static List<UUID> ids(int count, Random random) {
        List<UUID> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(uuid(random));
        }
        return ids;
    }

    /** A version-4 UUID from the seeded random, so a seed reproduces the same rows. */
    static UUID uuid(Random random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    private static <T> T pick(List<T> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }
}
