package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A realistic gateway for the benchmark: thousands of keys, users and request logs, a couple
 * of hundred upstreams with their multipliers, and a price catalog of 40 models with
 * long-context tier rules, manual overrides and priority prices. Batches are clean: every
 * message is for a request log no batch has used yet. Seeded, so runs are comparable.
 */
final class Workload {

    static final int KEYS = 5_000;
    static final int USERS = 1_000;
    static final int UPSTREAMS = 200;
    private static final String[] NAMED_MODELS = {
        "claude-sonnet-4", "claude-opus-4", "claude-haiku-3-5", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5",
        "gemini-2.5-pro", "gemini-2.5-flash", "mistral-large", "llama-3.3-70b", "deepseek-v3"};
    private static final int MODELS = 40;

    /**
     * The workload is seeded and dated (from 2026-11-30T11:00:00Z) so that every run writes the same
     * rows; the function measured accepts billedAt that old whenever the benchmark runs.
     */
    static final Map<String, String> DATED_WORKLOAD = Map.of("MAX_BILLED_AT_AGE_DAYS", "36500");

    private final Random random = new Random(20261130L);
    private final List<UUID> logs = new ArrayList<>();
    private final List<String> logModels = new ArrayList<>();
    private int next;
    private int messages;

    /** Seeds the gateway tables with {@code requestLogs} request logs. */
    static Workload seed(TestDatabase.Db db, int requestLogs) throws SQLException {
        Workload workload = new Workload();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT setseed(0.42)");
            s.execute("INSERT INTO users (id, name) SELECT gen_random_uuid(), 'user ' || i FROM generate_series(1, "
                    + USERS + ") i");
            s.execute("INSERT INTO api_keys (id, name) SELECT gen_random_uuid(), 'key ' || i FROM generate_series(1, "
                    + KEYS + ") i");
            s.execute(String.format(Locale.ROOT, """
                    INSERT INTO upstreams (id, name, billing_input_multiplier, billing_output_multiplier)
                    SELECT gen_random_uuid(), 'upstream ' || i, (ARRAY[1, 1, 1, 0.8, 1.2, 1.5])[1 + i %% 6],
                           (ARRAY[1, 1, 1.1, 0.9, 1.2, 1.5])[1 + i %% 6]
                    FROM generate_series(1, %d) i""", UPSTREAMS));
            workload.catalog(c);
            s.execute("""
                    CREATE TEMP TABLE pick AS
                    SELECT (SELECT array_agg(id) FROM api_keys) AS keys, (SELECT array_agg(id) FROM users) AS users,
                           (SELECT array_agg(id) FROM upstreams) AS upstreams,
                           (SELECT array_agg(DISTINCT model) FROM billing_model_prices) AS models""");
            s.execute(String.format(Locale.ROOT, """
                    INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model)
                    SELECT gen_random_uuid(), keys[1 + (random() * (%d - 1))::int], users[1 + (random() * (%d - 1))::int],
                           upstreams[1 + (random() * (%d - 1))::int],
                           models[1 + least((random() * random() * %d)::int, %d - 1)]
                    FROM pick, generate_series(1, %d)""", KEYS, USERS, UPSTREAMS, MODELS, MODELS, requestLogs));
            s.execute("DROP TABLE pick");
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // Settle the seeding's aftermath (visibility map, statistics, dirty pages) before measuring.
            s.execute("VACUUM ANALYZE");
            s.execute("CHECKPOINT");
            try (ResultSet rs = s.executeQuery("SELECT id, model FROM request_logs ORDER BY created_at, id")) {
                while (rs.next()) {
                    workload.logs.add(rs.getObject(1, UUID.class));
                    workload.logModels.add(rs.getString(2));
                }
            }
        }
        return workload;
    }

    private void catalog(Connection c) throws SQLException {
        try (PreparedStatement prices = c.prepareStatement("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million,
                    cache_read_input_price_per_million, cache_write_input_price_per_million,
                    priority_input_price_per_million, priority_output_price_per_million,
                    max_input_tokens, max_output_tokens, source, is_active, synced_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'litellm', true, '2026-11-01T00:00:00Z')""");
                PreparedStatement tiers = c.prepareStatement("""
                INSERT INTO billing_tier_rules (model, source, threshold_input_tokens, display_label,
                    input_price_per_million, output_price_per_million, cache_read_input_price_per_million)
                VALUES (?, ?, 200000, '>200k', ?, ?, ?)""");
                PreparedStatement overrides = c.prepareStatement("""
                INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million)
                VALUES (?, ?, ?)""")) {
            for (int i = 0; i < MODELS; i++) {
                String model = i < NAMED_MODELS.length ? NAMED_MODELS[i] : "model-" + i;
                double input = new double[] {0.15, 0.4, 1.25, 2.5, 3, 5, 15}[i % 7];
                double output = input * 4;
                prices.setString(1, model);
                prices.setDouble(2, input);
                prices.setDouble(3, output);
                prices.setObject(4, i % 2 == 0 ? input / 10 : null);
                prices.setObject(5, i % 3 == 0 ? input * 1.25 : null);
                prices.setObject(6, i % 2 == 1 ? input * 2 : null);
                prices.setObject(7, i % 2 == 1 ? output * 2 : null);
                prices.setInt(8, 200_000);
                prices.setInt(9, 16_384);
                prices.addBatch();
                if (i % 4 == 0) {
                    tiers.setString(1, model);
                    tiers.setString(2, i % 8 == 0 ? "manual" : "litellm");
                    tiers.setDouble(3, input * 2);
                    tiers.setDouble(4, output * 1.5);
                    tiers.setDouble(5, input / 5);
                    tiers.addBatch();
                }
                if (i % 7 == 3) {
                    overrides.setString(1, model);
                    overrides.setDouble(2, input * 0.9);
                    overrides.setDouble(3, output * 0.9);
                    overrides.addBatch();
                }
            }
            prices.executeBatch();
            tiers.executeBatch();
            overrides.executeBatch();
        }
    }

    int remaining() {
        return logs.size() - next;
    }

    /** A batch of {@code size} messages, each for a request log no earlier batch used. */
    SQSEvent nextBatch(int size) {
        if (size > remaining()) {
            throw new IllegalStateException("the workload has only " + remaining() + " request logs left");
        }
        List<SQSEvent.SQSMessage> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(record(body(next)));
            next++;
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /** The next {@code size} request logs, unbilled, for the raw-upsert baseline. */
    List<UUID> nextLogIds(int size) {
        if (size > remaining()) {
            throw new IllegalStateException("the workload has only " + remaining() + " request logs left");
        }
        List<UUID> ids = new ArrayList<>(logs.subList(next, next + size));
        next += size;
        return ids;
    }

    /** The request logs of a batch's messages. */
    static List<UUID> requestLogIds(SQSEvent event) {
        List<UUID> ids = new ArrayList<>();
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            String body = record.getBody();
            int at = body.indexOf("\"requestLogId\":\"") + 16;
            ids.add(UUID.fromString(body.substring(at, at + 36)));
        }
        return ids;
    }

    /** The message bodies of the next {@code size} request logs, for a child JVM. */
    List<String> nextBodies(int size) {
        List<String> bodies = new ArrayList<>(size);
        for (SQSEvent.SQSMessage record : nextBatch(size).getRecords()) {
            bodies.add(record.getBody());
        }
        return bodies;
    }

    static SQSEvent.SQSMessage record(String body) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(UUID.randomUUID().toString());
        m.setBody(body);
        m.setEventSource("aws:sqs");
        m.setEventSourceArn("arn:aws:sqs:us-east-1:123456789012:request-completions");
        m.setAttributes(Map.of("SentTimestamp", Long.toString(System.currentTimeMillis()), "ApproximateReceiveCount", "1"));
        return m;
    }

    /** A request-completion message as the gateway sends it: mostly standard tier, some long contexts and caching. */
    private String body(int log) {
        messages++;
        int prompt = (int) Math.min(300_000, Math.exp(4 + random.nextDouble() * 8.5));
        int completion = 10 + random.nextInt(4_000);
        int cacheRead = random.nextDouble() < 0.3 ? prompt / 2 : 0;
        String tier = random.nextDouble() < 0.1 ? "fast" : "standard";
        return String.format(Locale.ROOT, """
                {"requestLogId":"%s","apiKeyId":null,"upstreamId":null,"userId":null,"model":"%s",\
                "requestedServiceTier":"%s","effectiveServiceTier":"%s",\
                "usage":{"promptTokens":%d,"completionTokens":%d,"totalTokens":%d,"cacheReadTokens":%d,\
                "cacheWriteTokens":0},"billedAt":"%s"}""",
                logs.get(log), logModels.get(log), tier, tier, prompt, completion, prompt + completion,
                        cacheRead, Instant.parse("2026-11-30T11:00:00Z").plusMillis(messages));
    }
}
