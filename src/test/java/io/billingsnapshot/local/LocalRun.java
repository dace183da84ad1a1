package io.billingsnapshot.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The function on an embedded default, with no cloud account and no Docker: an embedded
 * PostgreSQL with the gateway schema, the outbox migration and demo rows, an embedded
 * SQS-compatible server, and the handler built from environment variables exactly as Lambda
 * builds it. Invokes it on the given SAM events (default {@code events/sqs-batch.json}) and
 * prints the batch response, the snapshots and the deltas published.
 *
 * <p>{@code ./mvnw -q test-compile exec:exec@local [-Dlocal.events=events/sqs-fifo-batch.json]}
 */
public final class LocalRun {

    public static void main(String[] args) throws Exception {
        List<String> events = args.length == 0 ? List.of("events/sqs-batch.json") : List.of(args[0].split(","));
        JsonLog.setThreshold(JsonLog.Level.WARN); // the function's own logs stay quiet; the report below is for people
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");

        System.out.println("Starting embedded PostgreSQL and SQS ...");
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        db.execute(TestDatabase.resource("/local/demo-seed.sql"));
        try (TestSqs sqs = TestSqs.start(); SqsClient client = sqs.client()) {
            String deltaQueue = sqs.createQueue("quota-deltas");
            Map<String, String> env = FunctionEnvironment.local(db, sqs, deltaQueue);
            env.put("METRICS_NAMESPACE", "BillingSnapshotLocal");
            BillingSnapshotHandler handler = BillingSnapshotHandler.fromEnvironment(env);

            for (String file : events) {
                SQSEvent event = EventLoader.loadSQSEvent(file);
                SQSBatchResponse response = handler.handleRequest(event, null);
                System.out.printf("%n== %s: %d records, %d failed%n", file, event.getRecords().size(),
                        response.getBatchItemFailures().size());
                response.getBatchItemFailures().forEach(f -> System.out.println("   failed: " + f.getItemIdentifier()));
            }
            printSnapshots(db);
            printDeltas(client, deltaQueue);

            LocalRerateDemo.run(db, env, handler, client, deltaQueue);
        }
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private static void printSnapshots(TestDatabase.Db db) throws Exception {
        System.out.printf("%n== request_billing_snapshots%n%-10s %-16s %-9s %-16s %-8s %-7s %9s %9s %14s %-10s %-10s%n",
                "request", "model", "status", "reason", "source", "rule", "prompt", "compl.", "final_cost", "api_key", "upstream");
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT request_log_id, model, billing_status, unbillable_reason, price_source, matched_rule_type,
                       prompt_tokens, completion_tokens, final_cost, api_key_id, upstream_id
                FROM request_billing_snapshots ORDER BY request_log_id""")) {
            while (rs.next()) {
                System.out.printf("%-10s %-16s %-9s %-16s %-8s %-7s %9d %9d %14s %-10s %-10s%n",
                        shortId(rs.getString(1)), dash(rs.getString(2)), rs.getString(3), dash(rs.getString(4)),
                        dash(rs.getString(5)), dash(rs.getString(6)), rs.getInt(7), rs.getInt(8),
                        rs.getObject(9) == null ? "-" : String.format("%.10f", rs.getDouble(9)),
                        shortId(rs.getString(10)), shortId(rs.getString(11)));
            }
        }
    }

    static void printDeltas(SqsClient sqs, String queueUrl) {
        System.out.printf("%n== quota deltas published%n");
        while (true) {
            var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (messages.isEmpty()) {
                return;
            }
            messages.forEach(m -> System.out.println(m.body()));
            messages.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        }
    }

    private static String shortId(String uuid) {
        return uuid == null ? "NULL" : "…" + uuid.substring(uuid.length() - 6);
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
