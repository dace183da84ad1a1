package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.Context;
import io.billingsnapshot.Config;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.benchmark.TimedConnections.Timed;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.RerateFailedException;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.testing.BilledAtIndex;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Re-rating at production size: the same re-rate of a range of 100,000 snapshots on a table of
 * 100,000 rows and on one of 10,000,000, without and with the optional index on
 * {@code (billed_at, request_log_id)}, through the re-rate handler as Lambda builds it, connected
 * as a role whose {@code statement_timeout} is 5 s, as docs/operations.md prescribes. Every
 * statement of every chunk is timed as the function sees it ({@link TimedConnections}).
 *
 * <p>Both tables are loaded ({@link BulkSnapshots}); the function as deployed dry-runs the range
 * without the index (it refuses the large table, so there the same dry run is also made with the
 * refusal bypassed, for a minute); the index is built from the shipped file, CONCURRENTLY, as
 * its owner would; then each step runs on one table and then on the other, so that both see the
 * machine alike: a dry run, a selective run (one model of 40, only unbilled rows), the run (every
 * other row of the range changes) and the same run again (nothing changes).
 *
 * <p>{@code ./mvnw -q test-compile exec:exec@benchmark-rerate-10m} (docs/benchmark.md, "Re-rating
 * at production size").
 */
public final class RerateAtScaleBenchmark {

    private static final long LARGE_TABLE_ROWS = 10_000_000;
    private static final long RANGE_ROWS = 100_000;
    /** The range is the same rows of both tables: the small table is exactly the range. */
    private static final long RANGE_FIRST = LARGE_TABLE_ROWS / 2 - RANGE_ROWS / 2;
    private static final String ROLE = "billing_snapshot_benchmark";
    /** How long the large table is re-rated without the index: every chunk scans it. */
    private static final Duration UNINDEXED_CALL = Duration.ofSeconds(60);
    private static final String SELECTED_MODEL = "gpt-4o";

    /**
     * A step's chunks (each a transaction's statements, its end last), the statement that checks
     * the table before them, and how the call ended.
     */
    private record Step(long tableRows, boolean indexed, String name, List<List<Timed>> chunks, List<Timed> checks,
            double seconds, String outcome) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        JsonLog.setThreshold(JsonLog.Level.ERROR);
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "benchmark");
        System.setProperty("aws.secretAccessKey", "benchmark");
        // An argument replaces the large table's size, for a quicker trial of the benchmark itself.
        new RerateAtScaleBenchmark().run(args.length > 0 ? Long.parseLong(args[0]) : LARGE_TABLE_ROWS);
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private void run(long largeTableRows) throws Exception {
        long started = System.nanoTime();
        String loadAtStart = Report.loadAverage();
        Instant from = BulkSnapshots.START.plus(BulkSnapshots.SPACING.multipliedBy(RANGE_FIRST));
        Instant to = from.plus(BulkSnapshots.SPACING.multipliedBy(RANGE_ROWS));
        String range = "\"from\": \"" + from + "\", \"to\": \"" + to + "\"";
        try (TestSqs sqs = TestSqs.start(); SqsClient client = sqs.client()) {
            String queue = sqs.createQueue("quota-deltas");
            List<Table> tables = new ArrayList<>();
            try {
                for (long rows : new long[] {RANGE_ROWS, largeTableRows}) {
                    tables.add(load(rows, sqs, client, queue));
                }
                measure(tables, range, client, queue);
            } finally {
                tables.forEach(table -> table.connections().close());
            }
        }
        System.out.printf(Locale.ROOT, "%nbilling-snapshot-lambda re-rating at production size, %s, %d cores, JDK %s, %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"), TestDatabase.server().description());
        System.out.println("Load average (1, 5, 15 min) at start: " + loadAtStart + ", at end: " + Report.loadAverage());
        System.out.println("Range: " + range + ", " + String.format(Locale.ROOT, "%,d", RANGE_ROWS)
                + " rows; role statement_timeout 5 s; chunks of " + Rerater.CHUNK_ROWS + " rows");
        notes.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nms per chunk, median / max over the step's chunks (a chunk's statements as the"
                + " client times them, its commit or rollback included)%n");
        System.out.printf(Locale.ROOT, "%-11s %-5s %-34s %6s %13s %13s %11s %13s %11s %15s %9s  %s%n", "table rows",
                "index", "step", "chunks", "pick", "lock", "catalog", "write", "commit", "chunk", "call s", "outcome");
        System.out.println("-".repeat(160));
        steps.forEach(step -> System.out.println(line(step)));
        System.out.println();
        ratios();
        System.out.printf(Locale.ROOT, "%nTook %.0f s.%n", (System.nanoTime() - started) / 1e9);
    }

    /** A loaded table, and the function's connection to it as its role. */
    private record Table(long rows, TestDatabase.Db db, Config config, TimedConnections connections) {
    }

    private Table load(long rows, TestSqs sqs, SqsClient client, String queue) throws Exception {
        System.out.printf(Locale.ROOT, "%,d rows: seeding ...%n", rows);
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        Workload.seed(db, 0);
        grant(db);
        // The table's rows around the range, which lies in the middle of the large one.
        double loadSeconds = BulkSnapshots.load(db, RANGE_FIRST + RANGE_ROWS / 2 - rows / 2, rows);
        note(String.format(Locale.ROOT, "%,d rows: loaded in %.0f s; snapshot table %s (%s with its indexes)", rows,
                loadSeconds, size(db, "pg_relation_size('request_billing_snapshots')"),
                size(db, "pg_total_relation_size('request_billing_snapshots')")));
        Map<String, String> env = FunctionEnvironment.local(db, sqs, queue);
        env.put("DB_USER", ROLE);
        env.put("DB_PASSWORD", ROLE);
        env.put("LOG_LEVEL", "ERROR");
        Config config = Config.fromEnvironment(env);
        return new Table(rows, db, config, new TimedConnections(config.database()));
    }

    /** Each step on each table in turn, so that both sizes see the machine in the same state. */
    private void measure(List<Table> tables, String range, SqsClient client, String queue) throws Exception {
        String dryRun = "{" + range + "}";
        String run = "{" + range + ", \"dryRun\": false}";
        String selective = "{" + range + ", \"models\": [\"" + SELECTED_MODEL + "\"], \"onlyUnbilled\": true,"
                + " \"dryRun\": false}";
        for (Table table : tables) {
            step(table, false, "dry run, as deployed", new SnapshotRange(), dryRun, null, client, queue);
            if (table.rows() > RANGE_ROWS) {
                step(table, false, "dry run, refusal bypassed, 1 minute", new SnapshotRange(Long.MAX_VALUE), dryRun,
                        FakeLambdaContext.startingNow(UNINDEXED_CALL, Clock.systemUTC()), client, queue);
            }
        }
        for (Table table : tables) {
            long indexStart = System.nanoTime();
            BilledAtIndex.create(table.db());
            note(String.format(Locale.ROOT, "%,d rows: index built CONCURRENTLY from the shipped file in %.1f s; %s",
                    table.rows(), (System.nanoTime() - indexStart) / 1e9,
                    size(table.db(), "pg_relation_size('" + SnapshotRange.INDEX + "')")));
        }
        Map<String, String> indexed = new LinkedHashMap<>();
        indexed.put("dry run", dryRun);
        indexed.put("run, " + SELECTED_MODEL + " unbilled only", selective);
        indexed.put("run (every other row changes)", run);
        indexed.put("again (nothing changes)", run);
        for (Map.Entry<String, String> step : indexed.entrySet()) {
            for (Table table : tables) {
                step(table, true, step.getKey(), new SnapshotRange(), step.getValue(), null, client, queue);
                client.purgeQueue(r -> r.queueUrl(queue));
            }
        }
    }

    private static RerateHandler handler(Config config, TimedConnections connections, SnapshotRange range,
            SqsClient client, String queue) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        return new RerateHandler(Wiring.rerater(config, connections, range, new SqsDeltaPublisher(client, queue),
                RerateMetrics.emf("Benchmark", nowhere, Clock.systemUTC()), Clock.systemUTC(), UUID::randomUUID,
                Rerater.CHUNK_ROWS), Clock.systemUTC());
    }

    /** One call of the handler (Lambda's longest budget when {@code context} is null), its statements timed. */
    private void step(Table table, boolean indexed, String name, SnapshotRange range, String request, Context context,
            SqsClient client, String queue) throws Exception {
        TimedConnections connections = table.connections();
        RerateHandler handler = handler(table.config(), connections, range, client, queue);
        long rows = table.rows();
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = new com.fasterxml.jackson.databind.ObjectMapper().readValue(request, Map.class);
        connections.take();
        long start = System.nanoTime();
        String outcome;
        try {
            Map<String, Object> report = handler.handleRequest(payload, context);
            outcome = String.format(Locale.ROOT, "examined %,d, changed %,d, next %s", (Long) report.get("examined"),
                    (Long) report.get("changed"), report.get("next") == null ? "none" : "(more)");
        } catch (RerateFailedException e) {
            outcome = e.getMessage().length() > 90 ? e.getMessage().substring(0, 90) + " ..." : e.getMessage();
            note(String.format(Locale.ROOT, "%,d rows, %s: %s", rows, name, e.getMessage()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<List<Timed>> chunks = new ArrayList<>();
        List<Timed> checks = new ArrayList<>();
        for (List<Timed> transaction : connections.take()) {
            if (transaction.stream().anyMatch(t -> t.kind().equals(TimedConnections.PICK))) {
                chunks.add(transaction);
            } else {
                transaction.stream().filter(t -> t.kind().equals(TimedConnections.CHECK)).forEach(checks::add);
            }
        }
        Step step = new Step(rows, indexed, name, chunks, checks, seconds, outcome);
        steps.add(step);
        System.out.println("  " + line(step));
    }

    private static String line(Step step) {
        return String.format(Locale.ROOT, "%,11d %-5s %-34s %,6d %13s %13s %11s %13s %11s %15s %9.1f  %s",
                step.tableRows(), step.indexed() ? "yes" : "no", step.name(), step.chunks().size(),
                stat(step, TimedConnections.PICK), stat(step, TimedConnections.LOCK),
                stat(step, TimedConnections.CATALOG), stat(step, TimedConnections.WRITE),
                stat(step, TimedConnections.END), stat(step.chunks(), chunk -> total(chunk, null)), step.seconds(),
                step.outcome() + step.checks().stream().map(check -> "; check " + ms(check.nanos()) + " ms")
                        .findFirst().orElse(""));
    }

    /** The median and the largest per-chunk time of one kind of statement, in ms. */
    private static String stat(Step step, String kind) {
        return stat(step.chunks(), chunk -> total(chunk, kind));
    }

    private static String stat(List<List<Timed>> chunks, ToLongFunction<List<Timed>> nanos) {
        if (chunks.isEmpty()) {
            return "-";
        }
        long[] sorted = chunks.stream().mapToLong(nanos).sorted().toArray();
        return String.format(Locale.ROOT, "%s / %s", ms(sorted[sorted.length / 2]), ms(sorted[sorted.length - 1]));
    }

    /** The statements of {@code kind} in a chunk (every statement when null), summed. */
    private static long total(List<Timed> chunk, String kind) {
        return chunk.stream().filter(t -> kind == null || t.kind().equals(kind)).mapToLong(Timed::nanos).sum();
    }

    private static String ms(long nanos) {
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format(Locale.ROOT, "%,.0f", ms) : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** Per indexed step: the median chunk and the median pick on the large table against the small one. */
    private void ratios() {
        System.out.println("The large table against the small one, with the index (median per chunk; target: within 2x):");
        Map<String, Step[]> pairs = new LinkedHashMap<>();
        for (Step step : steps) {
            if (step.indexed()) {
                pairs.computeIfAbsent(step.name(), name -> new Step[2])[step.tableRows() > RANGE_ROWS ? 1 : 0] = step;
            }
        }
        pairs.forEach((name, pair) -> {
            if (pair[0] != null && pair[1] != null && !pair[0].chunks().isEmpty() && !pair[1].chunks().isEmpty()) {
                System.out.printf(Locale.ROOT, "  %-34s chunk %5.2fx   pick %5.2fx   longest statement on the large table: %s ms%n",
                        name, median(pair[1], null) / median(pair[0], null),
                        median(pair[1], TimedConnections.PICK) / median(pair[0], TimedConnections.PICK),
                        ms(pair[1].chunks().stream().flatMap(List::stream).mapToLong(Timed::nanos).max().orElse(0)));
            }
        });
    }

    private static double median(Step step, String kind) {
        long[] sorted = step.chunks().stream().mapToLong(chunk -> total(chunk, kind)).sorted().toArray();
        return Math.max(1, sorted[sorted.length / 2]);
    }

    private void note(String note) {
        notes.add(note);
        System.out.println("  " + note);
    }

    /** The function's role, with the grants and the 5 s statement_timeout of docs/operations.md. */
    private static void grant(TestDatabase.Db db) {
        db.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN"
                + " CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE + "'; END IF; END $$");
        for (String sql : List.of(
                "ALTER ROLE " + ROLE + " SET statement_timeout = '5s'",
                "ALTER ROLE " + ROLE + " SET lock_timeout = '5s'",
                "GRANT SELECT ON request_logs, api_keys, upstreams, users, billing_model_prices,"
                        + " billing_manual_price_overrides, billing_tier_rules TO " + ROLE,
                "GRANT UPDATE (id) ON request_logs, api_keys, upstreams, users TO " + ROLE,
                "GRANT SELECT, INSERT, UPDATE ON request_billing_snapshots TO " + ROLE,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON billing_quota_delta_outbox TO " + ROLE)) {
            db.execute(sql);
        }
    }

    private static String size(TestDatabase.Db db, String expression) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_size_pretty(" + expression + ")")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
