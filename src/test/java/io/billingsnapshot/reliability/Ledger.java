package io.billingsnapshot.reliability;

import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads and seeds one test database directly (the shared server's or a test's own): gateway
 * rows in, snapshot and outbox rows out. One autocommit connection, replaced when it broke
 * (a test that restarts its server keeps its ledger).
 */
final class Ledger implements AutoCloseable {

    private final TestDatabase.Db db;
    private Connection connection;

    Ledger(TestDatabase.Db db) {
        this.db = db;
    }

    /** A ledger of a database of the test's own, with gpt-4o priced as BillingFixture prices it. */
    static Ledger withPrices(TestDatabase.Db db) {
        BillingFixture.seedPrices(db);
        return new Ledger(db);
    }

    /** A request log with a fresh user, API key and upstream (multipliers 1). */
    Request request() {
        Request r = requestNotLoggedYet();
        insertLog(r);
        return r;
    }

    /** The user, API key and upstream of a request whose log the gateway has not committed yet. */
    Request requestNotLoggedYet() {
        Request r = new Request(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        execute("INSERT INTO users (id) VALUES (?)", r.userId());
        execute("INSERT INTO api_keys (id) VALUES (?)", r.apiKeyId());
        execute("INSERT INTO upstreams (id) VALUES (?)", r.upstreamId());
        return r;
    }

    /** Valid messages m0, m1, … for as many fresh requests, each with more tokens than the one before. */
    List<GoodMessage> goodMessages(int count) {
        List<GoodMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new GoodMessage("m" + i, request(), 10_000 * (i + 1), 3_000 * (i + 1)));
        }
        return messages;
    }

    void insertLog(Request r) {
        execute("INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES (?, ?, ?, ?, 'gpt-4o')",
                r.requestLogId(), r.apiKeyId(), r.userId(), r.upstreamId());
    }

    long snapshots() {
        return count("SELECT count(*) FROM request_billing_snapshots");
    }

    long snapshots(UUID requestLogId) {
        return count("SELECT count(*) FROM request_billing_snapshots WHERE request_log_id = ?", requestLogId);
    }

    long outboxRows() {
        return count("SELECT count(*) FROM billing_quota_delta_outbox");
    }

    long outboxRows(UUID requestLogId) {
        return count("SELECT count(*) FROM billing_quota_delta_outbox WHERE request_log_id = ?", requestLogId);
    }

    /** The stored final cost, or null when there is no snapshot (or it is unbilled). */
    Double finalCost(UUID requestLogId) {
        try (PreparedStatement ps = connection().prepareStatement(
                "SELECT final_cost FROM request_billing_snapshots WHERE request_log_id = ?")) {
            ps.setObject(1, requestLogId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (Double) rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql, Object... params) {
        try (PreparedStatement ps = prepare(sql, params)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql, Object... params) {
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection().prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    private Connection connection() throws SQLException {
        if (connection != null && !connection.isValid(1)) {
            close();
        }
        if (connection == null) {
            connection = db.connect();
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken already
            }
            connection = null;
        }
    }
}
