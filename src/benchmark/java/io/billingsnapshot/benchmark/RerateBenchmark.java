package io.billingsnapshot.benchmark;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.CountingRelay;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Re-rating beside message processing, in the same run, on the same database behind the same
 * counting relay (without and with 1 ms each way): the billing function writes N
 * snapshots in whole batches of 1,000, every catalog price is raised by 10 %, then the re-rate
 * function re-prices those N rows: a dry run, the run (every row changes, every delta is
 * published) and a second run (nothing changes). Each re-rate is one call of the handler with
 * Lambda's longest budget, so "next: none" means it fit in one 15-minute invocation.
 *
 * <p>{@code ./mvnw -q test-compile exec:exec@benchmark-rerate} (docs/benchmark.md, "Re-rating").
 */
public final class RerateBenchmark {

    private static final int[] SIZES = {10_000, 100_000};
    private static final int BATCH = 1_000;

    /** One measured step: rows, seconds, database round trips, and seconds spent publishing. */
    private record Step(String name, long rows, double seconds, long roundTrips, double publishSeconds, String note) {

        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final List<String> lines = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        JsonLog.setThreshold(JsonLog.Level.ERROR);
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "benchmark");
        System.setProperty("aws.secretAccessKey", "benchmark");
        new RerateBenchmark().run();
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        String loadAtStart = Report.loadAverage();
        try (TestSqs sqs = TestSqs.start(); SqsClient client = sqs.client()) {
            String queue = sqs.createQueue("quota-deltas");
            for (Duration delay : List.of(Duration.ZERO, Duration.ofMillis(1))) {
                measure(delay, sqs, client, queue);
            }
        }
        System.out.printf(Locale.ROOT, "%nbilling-snapshot-lambda re-rating benchmark, %s, %d cores, JDK %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.runtime.version"));
        System.out.println("Load average (1, 5, 15 min) at start: " + loadAtStart + ", at end: " + Report.loadAverage());
        System.out.printf(Locale.ROOT, "%-5s %-8s %-34s %10s %9s %10s %9s  %s%n",
                "delay", "rows", "step", "rows/s", "seconds", "db RT", "publish s", "");
        System.out.println("-".repeat(110));
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nTook %.0f s.%n", (System.nanoTime() - started) / 1e9);
    }

    private void measure(Duration delay, TestSqs sqs, SqsClient client, String queue) throws Exception {
        int total = SIZES[0] + SIZES[1];
        System.out.printf(Locale.ROOT, "%d ms each way: seeding %,d request logs ...%n", delay.toMillis(), total);
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        Workload workload = Workload.seed(db, total);
        Map<String, String> env = FunctionEnvironment.local(db, sqs, queue);
        env.put("LOG_LEVEL", "ERROR");
        env.putAll(Workload.DATED_WORKLOAD);
        AtomicLong publishNanos = new AtomicLong();
        DeltaPublisher timed = timed(new SqsDeltaPublisher(client, queue), publishNanos);
        try (CountingRelay relay = CountingRelay.start("localhost", URI.create(db.url().substring(5)).getPort(), delay);
                HandlerFactory functions = new HandlerFactory()) {
            BillingFunction messages = functions.billing(Granularity.WHOLE_BATCH.environment(relayed(env, relay)), timed,
                    RecordingMetrics::new, Clock.systemUTC());
            RerateHandler rerate = functions.rerate(relayed(env, relay), timed,
                    RerateMetrics.emf("Benchmark", new PrintStream(OutputStream.nullOutputStream(), false,
                            StandardCharsets.UTF_8), Clock.systemUTC()),
                    Clock.systemUTC(), Rerater.CHUNK_ROWS);
            for (int size : SIZES) {
                Instant from = lastBilledAt(db).plus(1, ChronoUnit.MICROS);
                long roundTrips = relay.roundTrips();
                long published = publishNanos.get();
                long start = System.nanoTime();
                for (int written = 0; written < size; written += BATCH) {
                    if (!messages.handle(workload.nextBatch(BATCH)).getBatchItemFailures().isEmpty()) {
                        throw new IllegalStateException("records failed");
                    }
                }
                add(delay, size, new Step("messages (whole batches of 1,000)", size,
                        (System.nanoTime() - start) / 1e9, relay.roundTrips() - roundTrips,
                        (publishNanos.get() - published) / 1e9, ""));
                String range = "\"from\": \"" + from + "\", \"to\": \"" + lastBilledAt(db).plus(1, ChronoUnit.MICROS)
                        + "\"";
                raisePrices(db);
                add(delay, size, rerate(rerate, "re-rate dry run", "{" + range + "}", relay, publishNanos));
                add(delay, size, rerate(rerate, "re-rate run (every row changes)",
                        "{" + range + ", \"dryRun\": false}", relay, publishNanos));
                add(delay, size, rerate(rerate, "re-rate again (nothing changes)",
                        "{" + range + ", \"dryRun\": false}", relay, publishNanos));
                client.purgeQueue(r -> r.queueUrl(queue));
            }
        }
    }

    private static Step rerate(RerateHandler handler, String name, String request, CountingRelay relay,
            AtomicLong publishNanos) throws Exception {
        Map<String, Object> payload = new com.fasterxml.jackson.databind.ObjectMapper().readValue(request, Map.class);
        long roundTrips = relay.roundTrips();
        long published = publishNanos.get();
        long start = System.nanoTime();
        Map<String, Object> report = handler.handleRequest(payload, null); // Lambda's longest budget: 15 minutes
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = String.format(Locale.ROOT, "changed %,d, next %s", (Long) report.get("changed"),
                report.get("next") == null ? "none (one call)" : report.get("next"));
        return new Step(name, (Long) report.get("examined"), seconds, relay.roundTrips() - roundTrips,
                (publishNanos.get() - published) / 1e9, note);
    }

    /** A price correction that touches every row: every catalog, tier and override price 10 % higher. */
    private static void raisePrices(TestDatabase.Db db) {
        for (String table : List.of("billing_model_prices", "billing_tier_rules", "billing_manual_price_overrides")) {
            db.execute("UPDATE " + table + " SET input_price_per_million = input_price_per_million * 1.1,"
                    + " output_price_per_million = output_price_per_million * 1.1");
        }
    }

    private static Instant lastBilledAt(TestDatabase.Db db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(billed_at), '2026-11-30T00:00:00Z') FROM request_billing_snapshots")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private void add(Duration delay, int size, Step step) {
        String line = String.format(Locale.ROOT, "%2d ms %,8d %-34s %,10.0f %9.1f %,10d %9.1f  %s",
                delay.toMillis(), size, step.name(), step.rowsPerSecond(), step.seconds(), step.roundTrips(),
                step.publishSeconds(), step.note());
        lines.add(line);
        System.out.println("  " + line);
    }

    private static Map<String, String> relayed(Map<String, String> env, CountingRelay relay) {
        Map<String, String> relayed = new HashMap<>(env);
        relayed.put("DB_URL", relay.relayUrl(env.get("DB_URL")));
        return relayed;
    }

    private static DeltaPublisher timed(DeltaPublisher publisher, AtomicLong nanos) {
        return (deltas, timeLeft) -> {
            long start = System.nanoTime();
            try {
                return publisher.publish(deltas, timeLeft);
            } finally {
                nanos.addAndGet(System.nanoTime() - start);
            }
        };
    }
}
