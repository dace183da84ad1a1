package io.billingsnapshot.soak;

import io.billingsnapshot.testing.TestDatabase;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Test-only: writes the gateway rows a conservation check reads, as the service would leave them. */
final class GatewayRows {

    private static final OffsetDateTime BILLED_AT = OffsetDateTime.of(2025, 3, 1, 10, 0, 0, 0, ZoneOffset.UTC);

    private final TestDatabase.Db db;

    GatewayRows(TestDatabase.Db db) {
        this.db = db;
    }

    UUID apiKey() {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO api_keys (id, name) VALUES (?, 'soak')", id);
        return id;
    }

    UUID upstream() {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO upstreams (id, name) VALUES (?, 'soak')", id);
        return id;
    }

    UUID requestLog(UUID apiKey, UUID upstream) {
        UUID id = UUID.randomUUID();
        db.execute("INSERT INTO request_logs (id, api_key_id, upstream_id, model) VALUES (?, ?, ?, 'gpt-4o')",
                id, apiKey, upstream);
        return id;
    }

    void billedSnapshot(UUID requestLog, UUID apiKey, UUID upstream, double finalCost) {
        db.execute("""
                INSERT INTO request_billing_snapshots
                  (request_log_id, api_key_id, upstream_id, model, billing_status, final_cost, billed_at)
                VALUES (?, ?, ?, 'gpt-4o', 'billed', ?, ?)""", requestLog, apiKey, upstream, finalCost, BILLED_AT);
    }

    void unbilledSnapshot(UUID requestLog, UUID apiKey, UUID upstream) {
        db.execute("""
                INSERT INTO request_billing_snapshots
                  (request_log_id, api_key_id, upstream_id, model, billing_status, unbillable_reason, billed_at)
                VALUES (?, ?, ?, 'gpt-4o', 'unbilled', 'price_not_found', ?)""",
                requestLog, apiKey, upstream, BILLED_AT);
    }

    void pendingOutboxRow(UUID requestLog) {
        db.execute("""
                INSERT INTO billing_quota_delta_outbox (delta_id, request_log_id, payload, created_at, available_at)
                VALUES (?, ?, '{}', now(), now())""", UUID.randomUUID(), requestLog);
    }

    void deleteApiKey(UUID apiKey) {
        db.execute("DELETE FROM api_keys WHERE id = ?", apiKey);
    }
}
