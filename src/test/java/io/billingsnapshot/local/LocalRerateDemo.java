package io.billingsnapshot.local;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The local run's re-rating step, on the same stack: a request for a model whose price is not in
 * the catalog yet is billed by the packaged function and stored unbilled; the price lands; the
 * packaged re-rate function (the jar's other handler, as template.yaml deploys it) answers a dry
 * run with what would change, then the real run bills the request and publishes the correcting
 * quota delta.
 */
final class LocalRerateDemo {

    private static final String HANDLER = RerateHandler.class.getName() + "::handleRequest";
    private static final String MODEL = "gpt-5-preview";
    private static final String REQUEST = "cccccccc-0000-4000-8000-000000000007";
    /** The re-rate function's Timeout in template.yaml. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private LocalRerateDemo() {
    }

    static void run(LocalDeployment local, Path jar) throws Exception {
        // Like the events, the demo's message carries no date: it is billed when it runs, and the
        // re-rate range is the day up to now.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String requestArgs = "{\"from\": \"" + now.minus(Duration.ofDays(1)) + "\", \"to\": \""
                + now.plus(Duration.ofMinutes(5)) + "\", \"models\": [\"" + MODEL + "\"], \"onlyUnbilled\": true";
        System.out.printf(Locale.ROOT, "%n== re-rating: a request for %s, used before its price reached the catalog%n", MODEL);
        local.db.execute("""
                INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model) VALUES
                  (?::uuid, 'aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111',
                   'bbbbbbbb-0000-4000-8000-000000000002', ?)""", REQUEST, MODEL);
        String body = String.format(Locale.ROOT,
                "{\\\"requestLogId\\\":\\\"%s\\\",\\\"model\\\":\\\"%s\\\",\\\"effectiveServiceTier\\\":\\\"standard\\\",",
                REQUEST, MODEL)
                + "\\\"usage\\\":{\\\"promptTokens\\\":2000,\\\"completionTokens\\\":500}}";
        local.function.invoke(String.format(Locale.ROOT, """
                {"Records": [{"messageId": "rerate-demo", "body": "%s", "attributes": {},
                  "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:request-completions"}]}"""
                , body), Duration.ofSeconds(30));
        printRow(local.db);
        System.out.println("quota deltas published: " + local.sqs.drainDeltas(local.deltaQueueUrl).size()
                + " (nothing was charged)");

        local.db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source,
                    is_active, synced_at)
                VALUES (?, 1.25, 10, 'litellm', true, now())""", MODEL);
        System.out.printf(Locale.ROOT, "%n== its price lands: $1.25 in, $10 out per million; upstream …000002 bills 1.5x in, 1.2x out%n");
        try (PackagedFunction rerate = PackagedFunction.start(jar, local.environment, HANDLER)) {
            System.out.printf(Locale.ROOT, "%n== dry run: %s}%n", requestArgs);
            System.out.println(rerate.invoke(requestArgs + "}", TIMEOUT));
            printRow(local.db);

            System.out.printf(Locale.ROOT, "%n== run: %s, \"dryRun\": false}%n", requestArgs);
            System.out.println(rerate.invoke(requestArgs + ", \"dryRun\": false}", TIMEOUT));
            printRow(local.db);
        }
        System.out.printf(Locale.ROOT, "%n== the correcting quota delta%n");
        LocalRun.printMessages(local.sqs.drain(local.deltaQueueUrl));
    }

    private static void printRow(TestDatabase.Db db) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT billing_status, unbillable_reason, prompt_tokens, completion_tokens, final_cost
                FROM request_billing_snapshots WHERE request_log_id = ?::uuid""")) {
            ps.setString(1, REQUEST);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                System.out.printf(Locale.ROOT, "snapshot …000007  %-16s %-9s %-16s prompt %d, completion %d, final_cost %s%n",
                        MODEL, rs.getString(1), rs.getString(2) == null ? "-" : rs.getString(2), rs.getInt(3),
                        rs.getInt(4), rs.getObject(5) == null ? "-" : String.format(Locale.ROOT, "%.10f", rs.getDouble(5)));
            }
        }
    }
}
