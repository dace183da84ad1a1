package io.billingsnapshot.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.PublishedMessage;
import io.billingsnapshot.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The deployment jar on a local default, with no cloud account and no Docker: PostgreSQL with
 * the gateway schema, the outbox migration and demo rows (see TestDatabase), an embedded
 * SQS-compatible server, and the packaged function run by Lambda's Java runtime client
 * ({@link PackagedFunction}). Invokes it on the given SAM events (default
 * {@code events/sqs-batch.json}), one after another in the same execution environment, and
 * prints the batch responses, the snapshots and the deltas published.
 *
 * <p>{@code ./mvnw -q -DskipTests package exec:exec@local [-Dlocal.events=events/sqs-fifo-batch.json]}
 */
public final class LocalRun {

    /** The function's Timeout in template.yaml: each invocation's deadline. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FUNCTION_LOG = Path.of("target", "local-run", "function.log");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        List<String> events = args.length < 2 ? List.of("events/sqs-batch.json") : List.of(args[1].split(","));

        System.out.println("Starting PostgreSQL, embedded SQS and " + jar + " on Lambda's runtime client ...");
        try (LocalDeployment local = LocalDeployment.start(jar)) {
            for (String file : events) {
                String event = Files.readString(Path.of(file));
                List<String> failed = PackagedFunction.failedMessageIds(local.function.invoke(event, TIMEOUT));
                System.out.printf(Locale.ROOT, "%n== %s: %d records, %d failed%n", file,
                        JSON.readTree(event).path("Records").size(), failed.size());
                failed.forEach(id -> System.out.println("   failed: " + id));
            }
            printSnapshots(local.db);
            printDeltas(local.sqs.drain(local.deltaQueueUrl));
            Files.createDirectories(FUNCTION_LOG.getParent());
            Files.write(FUNCTION_LOG, local.function.output(), StandardCharsets.UTF_8);

            LocalRerateDemo.run(local, jar);
        }
        System.out.printf(Locale.ROOT, "%nThe function's logs and metrics: %s%n", FUNCTION_LOG);
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private static void printSnapshots(TestDatabase.Db db) throws Exception {
        System.out.printf(Locale.ROOT, "%n== request_billing_snapshots%n%-10s %-16s %-9s %-16s %-8s %-7s %9s %9s %14s %-10s %-10s%n",
                "request", "model", "status", "reason", "source", "rule", "prompt", "compl.", "final_cost", "api_key", "upstream");
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT request_log_id, model, billing_status, unbillable_reason, price_source, matched_rule_type,
                       prompt_tokens, completion_tokens, final_cost, api_key_id, upstream_id
                FROM request_billing_snapshots ORDER BY request_log_id""")) {
            while (rs.next()) {
                System.out.printf(Locale.ROOT, "%-10s %-16s %-9s %-16s %-8s %-7s %9d %9d %14s %-10s %-10s%n",
                        shortId(rs.getString(1)), dash(rs.getString(2)), rs.getString(3), dash(rs.getString(4)),
                        dash(rs.getString(5)), dash(rs.getString(6)), rs.getInt(7), rs.getInt(8),
                        rs.getObject(9) == null ? "-" : String.format(Locale.ROOT, "%.10f", rs.getDouble(9)),
                        shortId(rs.getString(10)), shortId(rs.getString(11)));
            }
        }
    }

    private static void printDeltas(List<String> messages) {
        System.out.printf(Locale.ROOT, "%n== quota deltas published%n");
        printMessages(messages);
    }

    /** Each message's size and its deltas, one line each (the message format: docs/design.md §6). */
    static void printMessages(List<String> messages) {
        for (String body : messages) {
            List<QuotaDelta> deltas = PublishedMessage.deltas(body);
            System.out.printf(Locale.ROOT, "message of %d delta(s), %,d bytes%n", deltas.size(),
                    body.getBytes(StandardCharsets.UTF_8).length);
            for (QuotaDelta delta : deltas) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  delta %s  request %-8s %s %s",
                        shortId(delta.deltaId().toString()), shortId(delta.requestLogId().toString()), delta.billedAt(),
                        delta.currency()));
                for (Adjustment a : delta.adjustments()) {
                    line.append(String.format(Locale.ROOT, "  %s %s %+.10f", a.scope().wireName(),
                            shortId(a.id().toString()), a.amount()));
                }
                System.out.println(line);
            }
        }
    }

    private static String shortId(String uuid) {
        return uuid == null ? "NULL" : "…" + uuid.substring(uuid.length() - 6);
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }
}
