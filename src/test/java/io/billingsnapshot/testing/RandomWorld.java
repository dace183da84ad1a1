package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * A random gateway and two random batches for it, from a seed: users, keys and upstreams (some
 * deleted afterwards), a price catalog with tier rules, overrides, priority prices and inactive
 * rows, request logs with and without stored snapshots, sometimes a trigger that skips the row of
 * one request, and batches mixing fresh messages, duplicates and redeliveries older, as old as and
 * newer than what is stored (to the nanosecond), unbilled cases, missing request logs and invalid
 * bodies, on a standard or a FIFO source. Between the batches the catalog changes: a model gets a
 * price, a price changes, a tier rule is deactivated.
 */
public final class RandomWorld {

    public static final Instant NOW = BillingFixture.NOW;
    private static final Instant BASE = Instant.parse("2026-11-30T11:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] PRICES = {0.15, 0.6, 2.5, 3, 10, 15, 0.0000123};
    private static final double[] MULTIPLIERS = {1, 0.5, 1.25, 2, 0.3333333333, 1.1};
    private static final int[] PROMPTS = {0, 1, 999, 1500, 150_000, 250_000, 1_500_000, Integer.MAX_VALUE};
    private static final int[] COMPLETIONS = {0, 10, 4_000, 1_000_000};
    private static final int[] CACHE_READS = {0, 0, 100, 999, 50_000};
    private static final int[] CACHE_WRITES = {0, 0, 200};
    private static final double[] STORED_COSTS = {0, 1.5, 0.0000000123, 12.345678901234, 7};
    private static final int[] MINUTES = {-90, -60, -30, 0, 0, 0, 30, 60};
    private static final String[] INVALID = {
        "{not json", "[]", "{\"requestLogId\":\"nope\"}",
        "{\"requestLogId\":\"%s\",\"usage\":{\"promptTokens\":-1}}",
        "{\"requestLogId\":\"%s\",\"usage\":{\"promptTokens\":2147483648}}",
        "{\"requestLogId\":\"%s\",\"effectiveServiceTier\":\"priority\"}"};

    /** One setup statement, run on every database that should hold this world. */
    private record Sql(String text, List<Object> params) {
        static Sql of(String text, Object... params) {
            return new Sql(text, Arrays.asList(params)); // a list, unlike List.of, keeps SQL NULLs
        }
    }

    private final Random random;
    private final List<Sql> setup = new ArrayList<>();
    private final List<SqsRecord> records = new ArrayList<>();
    private final List<List<SqsRecord>> batches = new ArrayList<>();
    private final List<Sql> catalogChanges = new ArrayList<>();
    private boolean skipsRows;
    private final List<UUID> users = new ArrayList<>();
    private final List<UUID> keys = new ArrayList<>();
    private final List<UUID> upstreams = new ArrayList<>();
    private final List<String> models = new ArrayList<>();
    private final List<UUID> logs = new ArrayList<>();

    private RandomWorld(Random random) {
        this.random = random;
    }

    /** @param name makes the model names unique among the worlds of one database */
    public static RandomWorld generate(Random random, String name) {
        RandomWorld world = new RandomWorld(random);
        world.gateway(name);
        world.batches.add(world.batch());
        world.catalogChanges(name);
        world.batches.add(world.batch());
        return world;
    }

    /** The batches, in the order they are processed; {@link #applyCatalogChangesTo} goes between them. */
    public List<SQSEvent> events() {
        return batches.stream().map(SqsEvents::of).toList();
    }

    /** True when a trigger skips one request's row (its records fail, and a set splits to find them). */
    public boolean skipsRows() {
        return skipsRows;
    }

    /** Writes this world's rows into a database. */
    public void applyTo(Connection c) throws SQLException {
        run(c, setup);
    }

    public void applyCatalogChangesTo(Connection c) throws SQLException {
        run(c, catalogChanges);
    }

    private static void run(Connection c, List<Sql> statements) throws SQLException {
        for (Sql sql : statements) {
            try (PreparedStatement ps = c.prepareStatement(sql.text())) {
                for (int i = 0; i < sql.params().size(); i++) {
                    ps.setObject(i + 1, sql.params().get(i));
                }
                ps.execute();
            }
        }
    }

    private void gateway(String name) {
        for (int i = 0; i < 2; i++) {
            users.add(insertId("users"));
        }
        for (int i = 0; i < 3; i++) {
            keys.add(insertId("api_keys"));
            UUID upstream = uuid();
            sql("INSERT INTO upstreams (id, billing_input_multiplier, billing_output_multiplier) VALUES (?, ?, ?)",
                    upstream, pick(MULTIPLIERS), pick(MULTIPLIERS));
            upstreams.add(upstream);
        }
        for (String prefix : new String[] {"claude-", "gpt-", "gemini-", "other-"}) {
            catalog(prefix + name);
        }
        models.add("unlisted-" + name);
        if (chance(0.05)) {
            String absurd = "absurd-" + name; // costs overflow to infinity: unbilled, price_invalid
            sql("INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million)"
                    + " VALUES (?, 1.7e308, 1.7e308)", absurd);
            models.add(absurd);
        }
        if (chance(0.05)) {
            String negative = "negative-" + name; // a credit, were it billed: unbilled, price_invalid
            sql("INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million)"
                    + " VALUES (?, 2, -20)", negative);
            models.add(negative);
        }
        for (int i = 2 + random.nextInt(7); i > 0; i--) {
            requestLog();
        }
        if (chance(0.3)) {
            sql("DELETE FROM api_keys WHERE id = ?", pick(keys));
        }
        if (chance(0.25)) {
            sql("DELETE FROM upstreams WHERE id = ?", pick(upstreams));
        }
        if (chance(0.15)) {
            sql("DELETE FROM users WHERE id = ?", pick(users));
        }
        if (chance(0.25)) {
            skipRowsOf(pick(logs));
        }
    }

    /** A BEFORE INSERT trigger that returns NULL for listed requests; the list only ever holds this world's. */
    private void skipRowsOf(UUID log) {
        skipsRows = true;
        sql("CREATE TABLE IF NOT EXISTS skipped_requests (request_log_id uuid PRIMARY KEY)");
        sql("""
                CREATE OR REPLACE FUNCTION skip_listed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN CASE WHEN EXISTS (SELECT 1 FROM skipped_requests s WHERE s.request_log_id = NEW.request_log_id)
                                THEN NULL ELSE NEW END;
                END $$""");
        sql("DROP TRIGGER IF EXISTS skip_listed ON request_billing_snapshots");
        sql("CREATE TRIGGER skip_listed BEFORE INSERT ON request_billing_snapshots"
                + " FOR EACH ROW EXECUTE FUNCTION skip_listed()");
        sql("INSERT INTO skipped_requests (request_log_id) VALUES (?)", log);
    }

    /** What an operator or the catalog sync changes between two batches. */
    private void catalogChanges(String name) {
        if (chance(0.7)) {
            catalogChanges.add(Sql.of("""
                    INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                    VALUES (?, ?, ?, 'litellm')""", "unlisted-" + name, pick(PRICES), pick(PRICES)));
        }
        if (chance(0.7)) {
            catalogChanges.add(Sql.of("UPDATE billing_model_prices SET input_price_per_million = ?, is_active = true"
                    + " WHERE model = ? AND source = 'litellm'", pick(PRICES), pick(models)));
        }
        if (chance(0.7)) {
            catalogChanges.add(Sql.of("UPDATE billing_tier_rules SET is_active = false WHERE model = ?",
                    pick(models)));
        }
    }

    private void catalog(String model) {
        models.add(model);
        if (chance(0.75)) {
            sql("""
                    INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million,
                        cache_read_input_price_per_million, cache_write_input_price_per_million,
                        priority_input_price_per_million, priority_output_price_per_million,
                        priority_cache_read_input_price_per_million, priority_cache_write_input_price_per_million,
                        max_input_tokens, max_output_tokens, source, is_active)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'litellm', ?)""",
                    model, pick(PRICES), pick(PRICES), maybe(0.5), maybe(0.3), maybe(0.5), maybe(0.5), maybe(0.3),
                    maybe(0.3), chance(0.5) ? 200_000 : null, chance(0.5) ? 8_192 : null, chance(0.85));
        }
        if (chance(0.15)) {
            sql("INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)"
                    + " VALUES (?, 99, 99, 'openrouter')", model); // another source: ignored
        }
        if (chance(0.3)) {
            sql("""
                    INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million,
                        cache_read_input_price_per_million)
                    VALUES (?, ?, ?, ?)""", model, pick(PRICES), pick(PRICES), maybe(0.5));
        }
        tierRules(model, "manual", 0.3, new int[] {0, 1_000, 200_000});
        tierRules(model, "litellm", 0.4, new int[] {500, 128_000});
    }

    private void tierRules(String model, String source, double probability, int[] thresholds) {
        if (!chance(probability)) {
            return;
        }
        for (int threshold : thresholds) {
            if (chance(0.6)) {
                sql("""
                        INSERT INTO billing_tier_rules (model, source, threshold_input_tokens, display_label,
                            input_price_per_million, output_price_per_million, cache_write_input_price_per_million,
                            is_active)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                        model, source, threshold, source + " >" + threshold, pick(PRICES), pick(PRICES), maybe(0.3),
                        chance(0.8));
            }
        }
    }

    private void requestLog() {
        UUID log = uuid();
        UUID key = chance(0.85) ? pick(keys) : null;
        UUID upstream = chance(0.85) ? pick(upstreams) : null;
        UUID user = chance(0.8) ? pick(users) : null;
        sql("INSERT INTO request_logs (id, api_key_id, upstream_id, user_id, model) VALUES (?, ?, ?, ?, ?)",
                log, key, upstream, user, pick(models));
        logs.add(log);
        if (chance(0.4)) {
            boolean billed = chance(0.7);
            sql("""
                    INSERT INTO request_billing_snapshots (request_log_id, api_key_id, upstream_id, user_id, model,
                        billing_status, final_cost, billed_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    log, key, upstream, user, pick(models), billed ? "billed" : "unbilled",
                    billed ? pick(STORED_COSTS) : null,
                    java.sql.Timestamp.from(BASE.plusSeconds(60L * new int[] {-60, 0, 30}[random.nextInt(3)])),
                    java.sql.Timestamp.from(NOW.minusSeconds(3_600)));
        }
    }

    private List<SqsRecord> batch() {
        List<SqsRecord> batch = new ArrayList<>();
        boolean fifo = chance(0.25);
        int size = chance(0.2) ? 1 + random.nextInt(3) : 2 + random.nextInt(40);
        for (int i = 0; i < size; i++) {
            String body;
            double kind = random.nextDouble();
            if (kind < 0.07) {
                body = String.format(Locale.ROOT, INVALID[random.nextInt(INVALID.length)], uuid());
            } else if (kind < 0.14) {
                body = message(uuid());
            } else if (kind < 0.3 && !records.isEmpty()) {
                body = records.get(random.nextInt(records.size())).body(); // a redelivery
            } else {
                body = message(pick(logs));
            }
            String id = "b" + batches.size() + "m" + i;
            SqsRecord record = fifo ? SqsRecord.fifo(id, "group-" + random.nextInt(3), body) : SqsRecord.standard(id, body);
            records.add(record);
            batch.add(record);
        }
        return batch;
    }

    private String message(UUID requestLogId) {
        ObjectNode m = JSON.createObjectNode();
        m.put("requestLogId", requestLogId.toString());
        m.put("apiKeyId", chance(0.5) ? pick(keys).toString() : null); // the gateway's view; reconciled away
        m.put("upstreamId", chance(0.5) ? pick(upstreams).toString() : null);
        double model = random.nextDouble();
        if (model < 0.08) {
            m.putNull("model");
        } else if (model < 0.12) {
            m.put("model", "   ");
        } else if (model < 0.16) {
            m.put("model", " " + pick(models) + " ");
        } else {
            m.put("model", pick(models));
        }
        m.put("requestedServiceTier", pick(new String[] {null, "standard", "fast"}));
        if (chance(0.85)) {
            m.put("effectiveServiceTier", pick(new String[] {null, "standard", "fast", "fast", "unknown"}));
        }
        if (chance(0.92)) {
            ObjectNode usage = m.putObject("usage");
            int cacheRead = pick(CACHE_READS);
            int cacheWrite = pick(CACHE_WRITES);
            int prompt = chance(0.1) ? cacheRead + cacheWrite : pick(PROMPTS);
            int completion = pick(COMPLETIONS);
            usage.put("promptTokens", prompt).put("completionTokens", completion)
                    .put("cacheReadTokens", cacheRead).put("cacheWriteTokens", cacheWrite);
            if (chance(0.7)) {
                usage.put("totalTokens", chance(0.2) ? 0 : (int) Math.min((long) prompt + completion, Integer.MAX_VALUE));
            }
        }
        if (chance(0.85)) {
            Instant billedAt = BASE.plusSeconds(60L * pick(MINUTES));
            if (chance(0.2)) {
                billedAt = billedAt.plusMillis(123);
            } else if (chance(0.1)) {
                billedAt = billedAt.plusNanos(456_000);
            } else if (chance(0.15)) {
                billedAt = billedAt.plusNanos(chance(0.5) ? 700 : 123_456_789); // beyond the microsecond
            }
            m.put("billedAt", billedAt.toString());
        }
        return m.toString();
    }

    private UUID insertId(String table) {
        UUID id = uuid();
        sql("INSERT INTO " + table + " (id) VALUES (?)", id);
        return id;
    }

    private void sql(String text, Object... params) {
        setup.add(Sql.of(text, params));
    }

    /** A version-4 UUID from the seed, so that a failing seed rebuilds the same world. */
    private UUID uuid() {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    private boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    private Double maybe(double probability) {
        return chance(probability) ? pick(PRICES) : null;
    }

    private double pick(double[] values) {
        return values[random.nextInt(values.length)];
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }
}
