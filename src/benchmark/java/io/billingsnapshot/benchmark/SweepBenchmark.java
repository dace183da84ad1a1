package io.billingsnapshot.benchmark;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Config;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.OutboxBacklog;
import io.billingsnapshot.testing.PublishedMessage;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The day after a long quota-queue outage: a backlog of 1,000,000 pending deltas in the outbox's
 * own format, drained by the function under a 5 s {@code statement_timeout} (the role's, sent
 * here in the startup packet). It times the statements of a sweep's claim round (claim with the
 * outbox's state, delete of what SQS accepted, each with its commit) at 1,000 and at 1,000,000
 * pending, reports the deltas one invocation publishes with the template's timing (30 s, the
 * sweep stopping 16 s before it), and checks conservation: a consumer beside it receives every
 * delta, none twice by deltaId. It reports; it asserts nothing.
 *
 * <p>{@code ./mvnw -q test-compile exec:exec@benchmark-sweep} (docs/benchmark.md, "The sweep after
 * an outage").
 */
public final class SweepBenchmark {

    private static final int BACKLOG = 1_000_000;
    private static final int SMALL = 1_000;
    private static final int ROUNDS = 7;
    private static final int WARM_UP = 20;
    private static final Duration INVOCATION = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofMinutes(16);
    private static final Duration STATEMENT_LIMIT = Duration.ofSeconds(5);

    /** One timed claim round: its statements, each with its commit, and what it claimed. */
    private record Round(double claimMs, double deleteMs, int claimed) {
    }

    public static void main(String[] args) throws Exception {
        JsonLog.setThreshold(JsonLog.Level.ERROR);
        new SweepBenchmark().run();
        System.exit(0); // embedded servers keep non-daemon threads
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        String loadAtStart = Report.loadAverage();
        try (TestSqs sqs = TestSqs.start(); SqsClient client = sqs.client()) {
            String queue = sqs.createQueue("quota-deltas");
            Map<String, String> env = FunctionEnvironment.local(db, sqs, queue);
            env.put("DB_STATEMENT_TIMEOUT_SECONDS", Long.toString(STATEMENT_LIMIT.toSeconds()));
            env.put("DEADLINE_RESERVE_MILLIS", "16000"); // template.yaml's, with its 30 s Timeout
            Config config = Config.fromEnvironment(env);
            Consumer consumer = new Consumer(client, queue);
            Thread consuming = new Thread(consumer::run, "consumer");
            consuming.start();
            DeltaPublisher publisher = new SqsDeltaPublisher(client, queue, config.quotaDeltaMaxMessageBytes());
            Instant outageStart = Instant.now().minus(Duration.ofHours(6));
            try (DatabaseConnections connections = new DatabaseConnections(config.database())) {
                Connection c = connections.get();
                System.out.println("statement_timeout of the function's sessions: " + show(c, "statement_timeout"));

                System.out.printf(Locale.ROOT, "Timing claim rounds at %,d pending (%d rounds, a fresh backlog each) ...%n",
                        SMALL, ROUNDS);
                List<Round> small = new ArrayList<>();
                long next = 1;
                for (int r = -WARM_UP; r < ROUNDS; r++) { // the JIT warms up on the first rounds, not counted
                    OutboxBacklog.add(db, next, next + SMALL - 1, outageStart);
                    next += SMALL;
                    Round round = round(c, publisher, config.outboxSweepLimit());
                    if (r >= 0) {
                        small.add(round);
                    }
                }

                System.out.printf(Locale.ROOT, "Adding a backlog of %,d pending deltas ...%n", BACKLOG);
                long insertStart = System.nanoTime();
                for (long from = next; from < next + BACKLOG; from += 100_000) {
                    OutboxBacklog.add(db, from, Math.min(from + 99_999, next + BACKLOG - 1), outageStart);
                }
                double insertSeconds = (System.nanoTime() - insertStart) / 1e9;
                long total = next + BACKLOG - 1;
                System.out.printf(Locale.ROOT, "Timing claim rounds at %,d pending ...%n", count(c));
                List<Round> large = new ArrayList<>();
                for (int r = 0; r < ROUNDS; r++) {
                    large.add(round(c, publisher, config.outboxSweepLimit()));
                }

                System.out.println("Draining the rest through the function, one 30 s invocation after another ...");
                RecordingMetrics.Factory metrics = RecordingMetrics.factory();
                Clock clock = Clock.systemUTC();
                BillingSnapshotHandler handler = new BillingSnapshotHandler(Wiring.create(config, connections, publisher,
                        metrics, clock, UUID::randomUUID), clock);
                List<Long> perInvocation = new ArrayList<>();
                List<Double> secondsPerInvocation = new ArrayList<>();
                while (count(c) > 0 && perInvocation.size() < 1_000) {
                    long start = System.nanoTime();
                    handler.handleRequest(SqsEvents.of(List.of()), FakeLambdaContext.startingNow(INVOCATION, clock));
                    secondsPerInvocation.add((System.nanoTime() - start) / 1e9);
                    perInvocation.add(metrics.last().counted(Metric.DELTAS_PUBLISHED));
                    System.out.printf(Locale.ROOT, "  invocation %d: %,d deltas in %.1f s, %,d pending%n",
                            perInvocation.size(), perInvocation.get(perInvocation.size() - 1),
                            secondsPerInvocation.get(secondsPerInvocation.size() - 1), count(c));
                }
                long failures = metrics.created().stream().mapToLong(m -> m.counted(Metric.DELTA_PUBLISH_FAILURES)).sum();

                System.out.printf(Locale.ROOT, "Timing claim rounds at %,d pending again, after the drain ...%n", SMALL);
                List<Round> after = new ArrayList<>();
                for (int r = 0; r < ROUNDS; r++) {
                    OutboxBacklog.add(db, total + 1, total + SMALL, outageStart);
                    total += SMALL;
                    after.add(round(c, publisher, config.outboxSweepLimit()));
                }
                consumer.awaitQuiet();
                consumer.stop();
                consuming.join();

                print(loadAtStart, insertSeconds, small, large, after, perInvocation, secondsPerInvocation, failures,
                        consumer.tally, total, Duration.ofNanos(System.nanoTime() - started));
            }
        }
    }

    /** A claim round as the relay runs it: claim (with the state) and commit, publish, delete and commit. */
    private static Round round(Connection c, DeltaPublisher publisher, int limit) throws SQLException {
        Outbox outbox = new Outbox();
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        Outbox.Claim claim = outbox.claimPending(c, List.of(), now, LEASE, limit, STATEMENT_LIMIT);
        c.commit();
        long t1 = System.nanoTime();
        DeltaPublisher.Result result = publisher.publish(claim.deltas(), Duration.ofSeconds(10));
        long t2 = System.nanoTime();
        outbox.delete(c, result.accepted(), STATEMENT_LIMIT);
        c.commit();
        long t3 = System.nanoTime();
        return new Round((t1 - t0) / 1e6, (t3 - t2) / 1e6, claim.deltas().size());
    }

    private static void print(String loadAtStart, double insertSeconds, List<Round> small, List<Round> large,
            List<Round> after, List<Long> perInvocation, List<Double> secondsPerInvocation, long failures,
            OutboxBacklog.Tally tally, long total, Duration took) {
        System.out.println();
        System.out.println("billing-snapshot-lambda benchmark: the sweep after a long quota-queue outage");
        System.out.printf(Locale.ROOT, "%s | %d cores | JDK %s | %s | ElasticMQ (embedded)%n", Benchmark.today(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"),
                TestDatabase.server().description());
        System.out.println("Load average (1, 5, 15 min) at start: " + loadAtStart + ", at end: " + Report.loadAverage());
        System.out.printf(Locale.ROOT, "Backlog of %,d deltas inserted in the outbox's own format in %.0f s;"
                + " statement_timeout 5 s; claims of %,d (OUTBOX_SWEEP_LIMIT's default).%n", BACKLOG, insertSeconds,
                large.get(0).claimed());
        System.out.println();
        System.out.println("claim round, medians of " + ROUNDS + "           claim + commit   delete + commit   claimed");
        System.out.println("-".repeat(84));
        line("1,000 pending", small);
        line(String.format(Locale.ROOT, "%,d pending", BACKLOG), large);
        line("1,000 pending after the drain", after);
        double ratio = median(large, Round::claimMs) / median(small, Round::claimMs);
        double slowest = large.stream().mapToDouble(Round::claimMs).max().orElse(0);
        System.out.printf(Locale.ROOT, "claim at 1,000,000 against 1,000 pending: %.2fx (target within 2x) %s;"
                + " slowest claim %.1f ms of the 5,000 ms statement_timeout%n", ratio, ratio <= 2 ? "[met]" : "[NOT met]",
                slowest);
        System.out.println();
        List<Long> full = perInvocation.subList(0, Math.max(1, perInvocation.size() - 1)); // the last one ran out of work
        double rate = full.stream().mapToLong(Long::longValue).average().orElse(0);
        double seconds = secondsPerInvocation.subList(0, full.size()).stream().mapToDouble(Double::doubleValue)
                .average().orElse(0);
        System.out.printf(Locale.ROOT, "Drain through the function: %d invocations of 30 s (the sweep stops 16 s before the"
                + " timeout), %,.0f deltas per full invocation in %.1f s (%,.0f deltas/s), %d publish failures%n",
                perInvocation.size(), rate, seconds, rate / seconds, failures);
        System.out.printf(Locale.ROOT, "Conservation (a consumer receiving beside the sweep, deduplicating by deltaId):"
                + " %,d deltas made, %s %s%n", total, tally.summary(), tally.exactlyOnce(total) ? "[every delta, once]"
                        : tally.everyOneArrived(total) ? "[every delta; some twice, deduplicated]" : "[NOT every delta]");
        System.out.printf(Locale.ROOT, "%nBenchmark took %d s.%n", took.toSeconds());
    }

    private static void line(String label, List<Round> rounds) {
        System.out.printf(Locale.ROOT, "%-34s %13.1f ms %14.1f ms %9d%n", label, median(rounds, Round::claimMs),
                median(rounds, Round::deleteMs), rounds.get(0).claimed());
    }

    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
        return Benchmark.median(rounds.stream().mapToDouble(value).toArray());
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM billing_quota_delta_outbox");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            long count = rs.getLong(1);
            c.commit();
            return count;
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SHOW " + setting); ResultSet rs = ps.executeQuery()) {
            rs.next();
            String value = rs.getString(1);
            c.commit();
            return value;
        }
    }

    /** The quota tracker: receives and deletes while the sweep publishes, ticking every delta off. */
    private static final class Consumer {
        final OutboxBacklog.Tally tally = new OutboxBacklog.Tally();
        private final SqsClient sqs;
        private final String queue;
        private final AtomicBoolean empty = new AtomicBoolean();
        private volatile boolean stopped;

        Consumer(SqsClient sqs, String queue) {
            this.sqs = sqs;
            this.queue = queue;
        }

        void run() {
            while (!stopped) {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages();
                empty.set(messages.isEmpty());
                messages.forEach(m -> PublishedMessage.deltas(m.body()).forEach(d -> tally.arrived(d.deltaId())));
                if (!messages.isEmpty()) {
                    sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(messages.stream().map(m ->
                            DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle())
                                    .build()).toList()));
                }
            }
        }

        void stop() {
            stopped = true;
        }

        void awaitQuiet() throws InterruptedException {
            empty.set(false);
            while (!empty.get()) {
                Thread.sleep(200);
            }
        }
    }
}
