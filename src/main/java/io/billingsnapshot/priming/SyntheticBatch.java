package io.billingsnapshot.priming;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.TierRule;
import io.billingsnapshot.store.RequestLogs.RequestRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A batch that exists only in memory, for priming: SQS records whose bodies take every path of
 * the parser and the pricing rules (each provider, tiered, flat, override and priority prices,
 * the unbilled cases, invalid bodies, a missing request log), the request logs and catalog rows a
 * set's transaction would have read for them, and the stored rows their deltas start from.
 * Nothing of it is ever written or sent; its ids are {@link #id fixed}, so that any trace of it
 * would be recognised at once, and draw nothing from the random generator.
 */
record SyntheticBatch(List<SQSMessage> records, Map<UUID, RequestRow> requests, Map<String, ModelCatalog> catalogs,
        Map<UUID, BilledAmount> stored) {

    /** Records per batch: each of the bodies below several times, as a batch of a busy queue. */
    static final int SIZE = 60;

    private static final String ANTHROPIC = "claude-sonnet-4";
    private static final String OPENAI = "gpt-4o";
    private static final String GOOGLE = "gemini-2.5-pro";
    private static final String OTHER = "mistral-large";
    private static final String UNPRICED = "model-without-price";

    /** Usage and tiers of each body: prompt, completion, total, cache read, cache write tokens. */
    private static final List<String> BODIES = List.of(
            body(ANTHROPIC, "standard", "standard", 250_000, 4_000, 0, 12_000, 3_000),
            body(ANTHROPIC, "standard", "standard", 3_000, 150, 3_150, 2_000, 1_000),
            body(OPENAI, "fast", "fast", 1_000, 350, 1_350, 200, 0),
            body(OPENAI, "fast", "fast", 200_000, 900, 0, 0, 0),
            body(OPENAI, "standard", null, 150_000, 2_000, 152_000, 50_000, 0),
            body(GOOGLE, null, "unknown", 12_000, 800, 12_800, 0, 0),
            body(OTHER, "standard", "standard", 40, 10, 0, 0, 0),
            body(null, "standard", "standard", 10, 10, 20, 0, 0),
            body(OPENAI, "standard", "standard", 0, 0, 0, 0, 0),
            body(UNPRICED, "standard", "standard", 500, 500, 1_000, 0, 0),
            "{\"requestLogId\":\"%s\",\"usage\":{\"promptTokens\":-1},\"model\":\"gpt-4o\"}",
            "not json %s");

    /** The ids of priming: {@code 7072696d-696e-6700-...} ("priming" in ASCII), then a number. */
    static UUID id(long number) {
        return new UUID(0x7072696d696e6700L, number);
    }

    static SyntheticBatch at(Instant now) {
        List<SQSMessage> records = new ArrayList<>(SIZE);
        Map<UUID, RequestRow> requests = new HashMap<>();
        Map<UUID, BilledAmount> stored = new HashMap<>();
        for (int i = 0; i < SIZE; i++) {
            UUID requestLogId = id(i);
            String body = String.format(Locale.ROOT, BODIES.get(i % BODIES.size()), requestLogId);
            // A billedAt on some: the others take the record's SentTimestamp, as the parser allows.
            if (i % 3 == 0 && body.startsWith("{")) {
                body = body.substring(0, body.length() - 1) + ",\"billedAt\":\"" + now.minusSeconds(i) + "\"}";
            }
            records.add(record(i, body, now));
            if (i % 13 != 12) { // and now and then a request log the gateway has not committed yet
                References references = new References(id(1_000 + i % 7), i % 4 == 0 ? null : id(2_000 + i % 5),
                        id(3_000 + i % 3));
                requests.put(requestLogId, new RequestRow(references,
                        references.upstreamId() == null ? Multipliers.NONE : new Multipliers(1.2, 0.9)));
                if (i % 2 == 0) { // a redelivery after a price fix: the stored row charged something else
                    stored.put(requestLogId, new BilledAmount(references.apiKeyId(), references.upstreamId(),
                            BillingStatus.BILLED, 0.5, now.minusSeconds(3_600)));
                }
            }
        }
        return new SyntheticBatch(records, requests, priceCatalog(), stored);
    }

    /** The request logs its records name: priming's own ids, which no row of any table has. */
    static List<UUID> requestLogIds() {
        List<UUID> ids = new ArrayList<>(SIZE);
        for (int i = 0; i < SIZE; i++) {
            ids.add(id(i));
        }
        return ids;
    }

    /** The models its records name, each with its catalog in {@link #catalogs}. */
    static Set<String> models() {
        return priceCatalog().keySet();
    }

    /** The quota delta of each priced row, from its stored row, as the write step derives it. */
    List<QuotaDelta> deltas(List<Snapshot> priced) {
        List<QuotaDelta> deltas = new ArrayList<>();
        for (Snapshot snapshot : priced) {
            UUID requestLogId = snapshot.requestLogId();
            QuotaDeltaCalculator.delta(requestLogId, Optional.ofNullable(stored.get(requestLogId)),
                    snapshot.billedAmount(), () -> id(10_000 + requestLogId.getLeastSignificantBits()))
                    .ifPresent(deltas::add);
        }
        return deltas;
    }

    private static String body(String model, String requestedTier, String effectiveTier, int prompt, int completion,
            int total, int cacheRead, int cacheWrite) {
        return String.format(Locale.ROOT, """
                {"requestLogId":"%%s","apiKeyId":"%s","upstreamId":null,"userId":"%s",%s\
                "requestedServiceTier":%s,"effectiveServiceTier":%s,"usage":{"promptTokens":%d,\
                "completionTokens":%d,"totalTokens":%d,"cacheReadTokens":%d,"cacheWriteTokens":%d},"extra":[1,{}]}""",
                id(1_000), id(3_000), model == null ? "" : "\"model\":\"" + model + "\",",
                quoted(requestedTier), quoted(effectiveTier), prompt, completion, total, cacheRead, cacheWrite);
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static SQSMessage record(int index, String body, Instant now) {
        SQSMessage record = new SQSMessage();
        record.setMessageId(id(index).toString());
        record.setBody(body);
        record.setEventSource("aws:sqs");
        record.setAttributes(Map.of("SentTimestamp", Long.toString(now.minusMillis(index).toEpochMilli()),
                "ApproximateReceiveCount", "1"));
        return record;
    }

    /** Catalog rows of every kind the price rules read. */
    private static Map<String, ModelCatalog> priceCatalog() {
        Prices claude = new Prices(3, 15, 0.3, 3.75);
        Prices gpt = new Prices(2.5, 10, 1.25, null);
        return Map.of(
                ANTHROPIC, new ModelCatalog(List.of(new TierRule(200_000, ">200k", new Prices(6, 22.5, 0.6, 7.5))),
                        List.of(), Optional.empty(),
                        Optional.of(new CatalogPrice(claude, null, null, null, null, 200_000, 64_000))),
                OPENAI, new ModelCatalog(List.of(),
                        List.of(new TierRule(128_000, ">128k", new Prices(5, 20, 2.5, null))), Optional.empty(),
                        Optional.of(new CatalogPrice(gpt, 5.0, 20.0, 2.5, null, 128_000, 16_384))),
                GOOGLE, new ModelCatalog(List.of(), List.of(), Optional.of(new Prices(1.25, 10, null, null)),
                        Optional.of(new CatalogPrice(new Prices(1.25, 10, 0.31, null), null, null, null, null,
                                1_048_576, 65_536))),
                OTHER, new ModelCatalog(List.of(), List.of(), Optional.empty(),
                        Optional.of(new CatalogPrice(new Prices(2, 6, null, null), null, null, null, null, null, null))),
                UNPRICED, ModelCatalog.EMPTY);
    }
}
