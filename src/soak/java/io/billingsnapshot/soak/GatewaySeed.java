package io.billingsnapshot.soak;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/** Writes a {@link ChaosWorkload}'s gateway rows and price catalogue, in JDBC batches on one connection. */
final class GatewaySeed {

    private static final String PRICES = """
            INSERT INTO billing_model_prices
              (model, input_price_per_million, output_price_per_million,
               cache_read_input_price_per_million, cache_write_input_price_per_million, source)
            VALUES ('gpt-4o', 2.5, 10, 1.25, NULL, 'litellm'),
                   ('claude-sonnet-4', 3, 15, 0.3, 3.75, 'litellm');
            INSERT INTO billing_tier_rules
              (model, source, threshold_input_tokens, display_label, input_price_per_million, output_price_per_million)
            VALUES ('gpt-4o', 'manual', 128000, 'long context', 5, 20);
            """;
    private static final String USER = "INSERT INTO users (id, name) VALUES (?, 'soak')";
    private static final String API_KEY = "INSERT INTO api_keys (id, user_id, name) VALUES (?, ?, 'soak')";
    private static final String UPSTREAM = """
            INSERT INTO upstreams (id, name, billing_input_multiplier, billing_output_multiplier)
            VALUES (?, 'soak', ?, 1)""";
    private static final String REQUEST_LOG = """
            INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES (?, ?, ?, ?, ?)""";

    private GatewaySeed() {
    }

    static void insert(TestDatabase.Db db, ChaosWorkload workload) {
        try (Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(PRICES);
            }
            try (PreparedStatement ps = c.prepareStatement(USER)) {
                for (UUID user : workload.users()) {
                    ps.setObject(1, user);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(API_KEY)) {
                for (int i = 0; i < workload.apiKeys().size(); i++) {
                    ps.setObject(1, workload.apiKeys().get(i));
                    ps.setObject(2, workload.users().get(i % workload.users().size()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(UPSTREAM)) {
                for (Map.Entry<UUID, Double> upstream : workload.upstreamInputMultipliers().entrySet()) {
                    ps.setObject(1, upstream.getKey());
                    ps.setDouble(2, upstream.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(REQUEST_LOG)) {
                for (ChaosWorkload.Request r : workload.requests().values()) {
                    ps.setObject(1, r.requestLogId());
                    ps.setObject(2, r.apiKeyId());
                    ps.setObject(3, r.userId());
                    ps.setObject(4, r.upstreamId());
                    ps.setString(5, r.model());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the gateway rows: " + e.getMessage(), e);
        }
    }
}
