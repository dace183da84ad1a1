package io.billingsnapshot.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local run's re-rating step: a request for a model whose price is not in the catalog yet
 * is stored unbilled; the price lands; a dry run shows what re-rating would change; the real run
 * bills the request and publishes the correcting quota delta.
 */
final class LocalRerateDemo {

    private static final String MODEL = "gpt-5-preview";
    private static final String REQUEST = "cccccccc-0000-4000-8000-000000000007";
    private static final String RANGE = "\"from\": \"2026-11-30T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRerateDemo() {
    }

    static void run(TestDatabase.Db db, Map<String, String> env, BillingSnapshotHandler billing, SqsClient sqs,
            String deltaQueue) throws Exception {
        System.out.printf("%n== re-rating: a request for %s, used before its price reached the catalog%n", MODEL);
        db.execute("""
                INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES
                  (?::uuid, 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111',
                   'bbbbbbbb-0000-4000-8000-000000000002', ?)""", REQUEST, MODEL);
        String body = """
                {"requestLogId":"%s","model":"%s","effectiveServiceTier":"standard",
                 "usage":{"promptTokens":2000,"completionTokens":500},"billedAt":"2026-11-30T10:30:00Z"}"""
                .formatted(REQUEST, MODEL);
        billing.handleRequest(BillingFixture.event(BillingFixture.record("rerate-demo", body)), null);
        printRow(db);
        LocalRun.printDeltas(sqs, deltaQueue); // none: nothing was charged

        db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source,
                    is_active, synced_at)
                VALUES (?, 1.25, 10, 'litellm', true, '2026-12-01T00:00:00Z')""", MODEL);
        System.out.printf("%n== its price lands: $1.25 in, $10 out per million; upstream …000002 bills 1.5x in, 1.2x out%n");
        RerateHandler rerate = RerateHandler.fromEnvironment(env);
        String request = "{" + RANGE + ", \"models\": [\"" + MODEL + "\"], \"onlyUnbilled\": true";
        System.out.printf("%n== dry run: %s}%n", request);
        System.out.println(JSON.writeValueAsString(rerate.handleRequest(JSON.readValue(request + "}", Map.class), null)));
        printRow(db);

        System.out.printf("%n== run: %s, \"dryRun\": false}%n", request);
        System.out.println(JSON.writeValueAsString(
                rerate.handleRequest(JSON.readValue(request + ", \"dryRun\": false}", Map.class), null)));
        printRow(db);
        LocalRun.printDeltas(sqs, deltaQueue);
    }

    private static void printRow(TestDatabase.Db db) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT billing_status, unbillable_reason, prompt_tokens, completion_tokens, final_cost
                FROM request_billing_snapshots WHERE request_log_id = ?::uuid""")) {
            ps.setString(1, REQUEST);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                System.out.printf("snapshot …000007  %-16s %-9s %-16s prompt %d, completion %d, final_cost %s%n",
                        MODEL, rs.getString(1), rs.getString(2) == null ? "-" : rs.getString(2), rs.getInt(3),
                        rs.getInt(4), rs.getObject(5) == null ? "-" : String.format("%.10f", rs.getDouble(5)));
            }
        }
    }
}
