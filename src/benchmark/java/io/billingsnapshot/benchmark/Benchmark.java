package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.testing.CountingRelay;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The benchmark of the write engine: a whole batch as one set against the same engine on sets of
 * one, in the same run, on the test PostgreSQL (TestDatabase) and embedded SQS, with
 * the database behind a counting relay (without and with 1 ms of latency each way), and a batch
 * of 1,000 with one poison record. Prints the table and the targets beside the measured values,
 * and draws the throughput chart. It reports; it asserts nothing.
 *
 * <p>{@code ./mvnw -q test-compile exec:exec@benchmark} (docs/benchmark.md).
 */
public final class Benchmark {

    static final int[] SIZES = {10, 100, 1_000, 10_000};
    static final Duration DELAY = Duration.ofMillis(1);
    /** Sets of one at 10,000 messages with the delay run on this many and are extrapolated. */
    static final int SAMPLE = 1_000;
    /** What the engine's measurements use; the cold-start figures take theirs on top. */
    private static final int REQUEST_LOGS = 100_000;

    /** One cell of the report's tables: a granularity at one delay and one batch size. */
    record Cell(Granularity granularity, Duration delay, int size) {
    }

    /** What one granularity did at one batch size: medians over its batches. */
    record Result(int batches, double msPerBatch, double dbMsPerBatch, double publishMsPerBatch, long roundTrips,
            long maxRoundTrips, double sqsCalls, double sqsBytes, double sqsServerCpuMs, boolean extrapolated) {

        double messagesPerSecond(int size) {
            return size / (msPerBatch / 1_000);
        }
    }

    private final Map<Cell, Result> results = new LinkedHashMap<>();
    private final Map<Cell, Result> raw = new LinkedHashMap<>();
    /** A batch of 1,000 with one record a trigger refuses, with the delay. */
    private Result poison;
    private long poisonTransactions;
    private final SqsMeter sqsMeter = new SqsMeter();
    private Workload workload;

    public static void main(String[] args) throws Exception {
        java.nio.file.Path chart = java.nio.file.Path.of(args.length > 0 ? args[0] : "docs/benchmark.png");
        JsonLog.setThreshold(JsonLog.Level.ERROR);
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "benchmark");
        System.setProperty("aws.secretAccessKey", "benchmark");
        new Benchmark().run(chart);
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private void run(java.nio.file.Path chart) throws Exception {
        long started = System.nanoTime();
        ColdStart coldStart = new ColdStart();
        Report report = new Report(results, raw, () -> poison, () -> poisonTransactions, coldStart);
        int requestLogs = REQUEST_LOGS + coldStart.requestLogs();
        System.out.println("Starting PostgreSQL and embedded SQS, seeding " + requestLogs + " request logs ...");
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        workload = Workload.seed(db, requestLogs);
        report.machine(TestDatabase.server().description());
        try (TestSqs sqs = TestSqs.start(); SqsClient counted = countingClient(sqs); SqsClient plain = sqs.client()) {
            String queue = sqs.createQueue("quota-deltas");
            Map<String, String> env = environment(db, sqs, queue);
            for (Duration delay : List.of(Duration.ZERO, DELAY)) {
                try (CountingRelay relay = CountingRelay.start("localhost", port(db.url()), delay);
                        Target fast = new Target(Granularity.WHOLE_BATCH, env, relay, counted, queue, sqsMeter);
                        Target slow = new Target(Granularity.SETS_OF_ONE, env, relay, counted, queue, sqsMeter);
                        RawUpsert upsert = new RawUpsert(relay.relayUrl(db.url()), db.user(), db.password())) {
                    measure(delay, relay, fast, slow, upsert, () -> plain.purgeQueue(r -> r.queueUrl(queue)));
                    if (fast.splits() > 0) {
                        System.out.println("  note: " + fast.splits() + " set splits in clean batches");
                    }
                    if (!delay.isZero()) {
                        measurePoison(db, fast);
                    }
                }
            }
            report.heap(heap(db, sqs, queue));
            coldStart.measure(workload, childEnvironment(db, sqs, queue));
        }
        report.print(Duration.ofNanos(System.nanoTime() - started));
        report.chart(chart);
        System.out.println("Chart written to " + chart);
    }

    /**
     * Both granularities and the raw upsert at every size, their batches interleaved, so that whatever
     * else the machine does at the time weighs on all three alike.
     */
    private void measure(Duration delay, CountingRelay relay, Target fast, Target slow, RawUpsert upsert,
            Runnable purgeQueue) throws Exception {
        System.out.printf(Locale.ROOT,
                "Measuring one set, sets of one and the raw upsert, %d ms each way ...%n", delay.toMillis());
        boolean delayed = !delay.isZero();
        SQSEvent warmUp = workload.nextBatch(100); // connections, caches, JIT
        fast.run(warmUp);
        fast.run(workload.nextBatch(1_000));
        fast.run(workload.nextBatch(1_000));
        slow.run(workload.nextBatch(delayed ? 20 : 100));
        upsert.write(upsert.rowsOf(Workload.requestLogIds(warmUp)), workload.nextLogIds(100));
        for (int size : SIZES) {
            int fastBatches = new int[] {20, 10, 5, 1}[index(size)];
            int slowBatches = (delayed ? new int[] {5, 2, 1, 1} : new int[] {10, 5, 3, 1})[index(size)];
            boolean extrapolate = delayed && size > SAMPLE;
            List<Target.Sample> fastSamples = new ArrayList<>();
            List<Target.Sample> slowSamples = new ArrayList<>();
            List<Target.Sample> rawSamples = new ArrayList<>();
            RawUpsert.Rows rows = null;
            for (int b = 0; b < Math.max(fastBatches, slowBatches); b++) {
                if (b < fastBatches) {
                    SQSEvent event = workload.nextBatch(size);
                    fastSamples.add(fast.run(event));
                    if (rows == null) {
                        rows = upsert.rowsOf(Workload.requestLogIds(event));
                    }
                    long roundTrips = relay.roundTrips();
                    long nanos = upsert.write(rows, workload.nextLogIds(size));
                    rawSamples.add(new Target.Sample(size, nanos, 0, relay.roundTrips() - roundTrips,
                            new SqsMeter.Reading(0, 0, 0)));
                }
                if (b < slowBatches) {
                    slowSamples.add(slow.run(workload.nextBatch(extrapolate ? SAMPLE : size)));
                }
            }
            purgeQueue.run();
            results.put(new Cell(Granularity.WHOLE_BATCH, delay, size), summary(fastSamples, 1, false));
            raw.put(new Cell(Granularity.WHOLE_BATCH, delay, size), summary(rawSamples, 1, false));
            Result perMessage = summary(slowSamples, extrapolate ? (double) size / SAMPLE : 1, extrapolate);
            if (extrapolate) {
                // Round trips do not depend on latency: take them from the run without it.
                Result measured = results.get(new Cell(Granularity.SETS_OF_ONE, Duration.ZERO, size));
                perMessage = new Result(perMessage.batches(), perMessage.msPerBatch(), perMessage.dbMsPerBatch(),
                        perMessage.publishMsPerBatch(), measured.roundTrips(), measured.maxRoundTrips(),
                        measured.sqsCalls(), measured.sqsBytes(), perMessage.sqsServerCpuMs(), true);
            }
            results.put(new Cell(Granularity.SETS_OF_ONE, delay, size), perMessage);
            System.out.printf(Locale.ROOT,
                    "  %,6d messages: one set %,9.1f ms, sets of one %,11.1f ms%s, raw upsert %,8.1f ms%n",
                    size, results.get(new Cell(Granularity.WHOLE_BATCH, delay, size)).msPerBatch(), perMessage.msPerBatch(),
                    extrapolate ? " (extrapolated from " + SAMPLE + ")" : "",
                    raw.get(new Cell(Granularity.WHOLE_BATCH, delay, size)).msPerBatch());
        }
    }

    /**
     * Batches of 1,000 where one record's row is refused by a trigger (a real server error
     * inside the upsert): the set splits in halves until that record is alone.
     */
    private void measurePoison(TestDatabase.Db db, Target fast) {
        System.out.println("Measuring batches of 1,000 with one poison record, 1 ms each way ...");
        db.execute("CREATE TABLE poison_requests (request_log_id uuid PRIMARY KEY)");
        db.execute("""
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM poison_requests p WHERE p.request_log_id = NEW.request_log_id) THEN
                        RAISE EXCEPTION 'poison record';
                    END IF;
                    RETURN NEW;
                END $$""");
        db.execute("CREATE TRIGGER refuse_poison BEFORE INSERT ON request_billing_snapshots"
                + " FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
        List<Target.Sample> samples = new ArrayList<>();
        long splitsBefore = fast.splits();
        int batches = 3;
        for (int b = 0; b < batches; b++) {
            SQSEvent event = workload.nextBatch(1_000);
            db.execute("INSERT INTO poison_requests VALUES (?)", Workload.requestLogIds(event).get(137 + 300 * b));
            samples.add(fast.run(event, 1));
        }
        db.execute("DROP TRIGGER refuse_poison ON request_billing_snapshots");
        poison = summary(samples, 1, false);
        // One transaction for the whole set, then two per split (its halves).
        poisonTransactions = (batches + 2 * (fast.splits() - splitsBefore)) / batches;
        System.out.printf(Locale.ROOT, "  1,000 messages, one poison: %,9.1f ms, %d transactions%n", poison.msPerBatch(),
                poisonTransactions);
    }

    private static Result summary(List<Target.Sample> samples, double scale, boolean extrapolated) {
        double ms = median(samples.stream().mapToDouble(s -> s.nanos() / 1e6).toArray()) * scale;
        double db = median(samples.stream().mapToDouble(s -> (s.nanos() - s.publishNanos()) / 1e6).toArray()) * scale;
        double publish = median(samples.stream().mapToDouble(s -> s.publishNanos() / 1e6).toArray()) * scale;
        long roundTrips = (long) median(samples.stream().mapToDouble(Target.Sample::roundTrips).toArray());
        long maxRoundTrips = samples.stream().mapToLong(Target.Sample::roundTrips).max().orElse(0);
        double calls = samples.stream().mapToLong(s -> s.sqs().requests()).average().orElse(0);
        double bytes = samples.stream().mapToLong(s -> s.sqs().bytes()).average().orElse(0);
        double serverCpu = median(samples.stream().mapToDouble(s -> s.sqs().serverCpuNanos() / 1e6).toArray()) * scale;
        return new Result(samples.size(), ms, db, publish, roundTrips, maxRoundTrips, calls, bytes, serverCpu, extrapolated);
    }

    /** A fresh JVM limited to 512 MB processes one 10,000-message batch. */
    private String heap(TestDatabase.Db db, TestSqs sqs, String queue) throws Exception {
        System.out.println("Measuring the heap of a 10,000-message batch in a fresh JVM ...");
        java.nio.file.Path bodies = Files.createTempFile("benchmark-heap", ".txt");
        Files.write(bodies, workload.nextBodies(10_000), StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(ChildJvm.LAMBDA_LIKE_FLAGS);
        flags.add("-Xmx512m");
        return ChildJvm.run("heap", bodies, childEnvironment(db, sqs, queue), flags).result();
    }

    private static Map<String, String> environment(TestDatabase.Db db, TestSqs sqs, String queue) {
        Map<String, String> env = FunctionEnvironment.local(db, sqs, queue);
        env.putAll(Workload.DATED_WORKLOAD);
        return env;
    }

    static Map<String, String> childEnvironment(TestDatabase.Db db, TestSqs sqs, String queue) {
        Map<String, String> env = environment(db, sqs, queue);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "benchmark");
        env.put("AWS_SECRET_ACCESS_KEY", "benchmark");
        env.put("LOG_LEVEL", "ERROR");
        return env;
    }

    /** An SQS client whose every call the meter counts. */
    private SqsClient countingClient(TestSqs sqs) {
        return SqsClient.builder().endpointOverride(sqs.endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("x", "x")))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(sqsMeter))
                .build();
    }

    static int index(int size) {
        for (int i = 0; i < SIZES.length; i++) {
            if (SIZES[i] == size) {
                return i;
            }
        }
        throw new IllegalArgumentException("size " + size);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int port(String jdbcUrl) {
        String hostPort = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2, jdbcUrl.indexOf('/', jdbcUrl.indexOf("//") + 2));
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    }

    static String today() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
