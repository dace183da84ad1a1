package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.FakeLambdaContext;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.StallingEndpoint;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The chaos soak with the real handler: several handler instances fed by the event source
 * mapping driver from an embedded source queue while, at points of the stream fixed by the
 * settings (every n-th invocation), API keys and upstreams in use are deleted, database
 * connections killed, the quota-delta SQS server taken down (or stalled) and invocations cut
 * off after commit. When the stream has drained, one last scheduled sweep runs after the
 * outbox lease, and the conservation check says whether any money was lost or counted twice.
 * Stops by itself when drained; the settings' hang limit only ends a run that hangs.
 */
final class ChaosSoak {

    private static final int MAX_FINAL_SWEEPS = 50;
    /** The one failure BatchProcessor reports without a record_failed line: closing a failed FIFO group. */
    static final String UNLOGGED_FAILURE = "later record of a failed FIFO group (no log line)";
    /** A set that met a foreign-key violation and was split in halves. */
    private static final String FK_SPLIT = LogEvent.SET_SPLIT + " 23503";

    private final ChaosSettings settings;
    private UnaryOperator<DeltaPublisher> publisherBug = UnaryOperator.identity();

    ChaosSoak(ChaosSettings settings) {
        this.settings = settings;
    }

    /** Wraps the real publisher in a deliberate bug, to show that the soak catches one. */
    ChaosSoak withPublisherBug(UnaryOperator<DeltaPublisher> bug) {
        this.publisherBug = bug;
        return this;
    }

    ChaosReport run() throws Exception {
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        System.out.println("Chaos soak starting: " + settings.describe());
        Random random = new Random(settings.seed());
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        ChaosWorkload workload = ChaosWorkload.generate(settings, random, startedAt);
        GatewaySeed.insert(db, workload);

        try (TestSqs sourceServer = TestSqs.start(); TestSqs deltaServer = TestSqs.start();
                StallingEndpoint stallable = StallingEndpoint.forwardingTo(deltaServer.endpoint().getPort());
                SqsClient sourceSqs = sourceServer.client(); SqsClient deltaSqs = deltaServer.client();
                SqsClient publisherSqs = TestSqs.client(settings.stallEvery() > 0
                        ? URI.create("http://localhost:" + stallable.port()) : deltaServer.endpoint())) {
            SourceQueue source = SourceQueue.create(sourceSqs, settings.fifo() ? "requests.fifo" : "requests",
                    settings.maxReceiveCount());
            Map<String, String> groupByMessageId = send(source, workload);
            String deltaQueueUrl = deltaServer.createQueue("quota-deltas");
            // Every delta message also reaches the reference consumer, which must end equal to the billed costs.
            QuotaTracker tracker = new QuotaTracker(deltaSqs, deltaQueueUrl);
            DeltaCollector collector = new DeltaCollector(tracker.tee(deltaSqs), deltaQueueUrl);
            ChaosFaults faults = new ChaosFaults(settings, db, workload, deltaServer, collector,
                    publisherBug.apply(new SqsDeltaPublisher(publisherSqs, deltaQueueUrl)),
                    Optional.of(stallable).filter(endpoint -> settings.stallEvery() > 0), random);
            RecordingMetrics.Factory metrics = RecordingMetrics.factory();
            FailureLog log = new FailureLog();

            try (JsonLog.Redirection ignored = JsonLog.redirect(log, Clock.systemUTC());
                    SoakHandlers handlers = new SoakHandlers(environment(db, deltaServer, deltaQueueUrl),
                            faults.publisher())) {
                MappingReport mapping;
                try {
                    mapping = new EventSourceMappingDriver(sourceSqs, source, settings.mapping())
                            .withFailureReasons(id -> log.takeReason(id).or(() -> Optional.of(UNLOGGED_FAILURE)))
                            .run(() -> handlers.restarting(metrics, faults));
                } finally {
                    faults.stop();
                }

                int sweepsFrom = metrics.created().size();
                ChaosReport.FinalSweep finalSweep = finalSweep(handlers, metrics, sweepsFrom);
                collector.drain();
                ConservationResult conservation =
                        ConservationCheck.check(db, collector, tracker, source.sent(), mapping.deadLetters());
                System.out.println("Reference quota consumer: " + tracker.summary());
                return new ChaosReport(settings, startedAt, Duration.ofNanos(System.nanoTime() - started),
                        machine(), workload.counts(), source.sent().size(), faults.tally(),
                        HandlerTallies.of(metrics.created().subList(0, sweepsFrom), log.count(FK_SPLIT)), mapping, finalSweep,
                        new ChaosReport.Deltas(collector.publications(), collector.distinctDeltas(),
                                collector.duplicatePublications()),
                        conservation,
                        NewestVersionCheck.violations(db, workload.newestVersions(), mapping.deadLetters()),
                        DeadLetterAudit.of(mapping.deadLetters(), source.sent(), groupByMessageId,
                                workload.requests().keySet()));
            }
        }
    }

    /** Sends the workload; returns the message group of each message sent (none on a standard queue). */
    private static Map<String, String> send(SourceQueue source, ChaosWorkload workload) {
        Map<String, String> groupByMessageId = new HashMap<>();
        if (source.fifo()) {
            workload.messages().forEach(m -> groupByMessageId.put(source.send(m.body(), m.groupId()).messageId(),
                    m.groupId()));
        } else {
            source.sendAll(workload.messages().stream().map(ChaosWorkload.PlannedMessage::body).toList());
        }
        return groupByMessageId;
    }

    /**
     * The scheduled sweep ({@code {"Records": []}}), once every lease has passed, repeated
     * while it still finds pending deltas (each invocation sweeps at most OUTBOX_SWEEP_LIMIT).
     */
    private ChaosReport.FinalSweep finalSweep(SoakHandlers handlers, RecordingMetrics.Factory metrics, int sweepsFrom)
            throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(settings.outboxLeaseSeconds()).plusMillis(500).toMillis());
        BillingFunction sweeper = handlers.newInstance(metrics);
        SQSEvent empty = new SQSEvent();
        empty.setRecords(List.of());
        int invocations = 0;
        long pending;
        do {
            sweeper.handler().handleRequest(empty,
                    FakeLambdaContext.startingNow(Duration.ofSeconds(30), Clock.systemUTC()));
            invocations++;
            pending = metrics.last().gauge(Gauge.OUTBOX_PENDING).orElse(Long.MAX_VALUE); // unread: sweep again
        } while (pending > 0 && invocations < MAX_FINAL_SWEEPS);
        long published = metrics.created().subList(sweepsFrom, metrics.created().size()).stream()
                .mapToLong(m -> m.counted(Metric.DELTAS_PUBLISHED)).sum();
        return new ChaosReport.FinalSweep(invocations, published, pending);
    }

    private Map<String, String> environment(TestDatabase.Db db, TestSqs deltaServer, String deltaQueueUrl) {
        Map<String, String> env = FunctionEnvironment.local(db, deltaServer, deltaQueueUrl);
        env.put("OUTBOX_LEASE_SECONDS", Integer.toString(settings.outboxLeaseSeconds()));
        env.put("DEADLINE_RESERVE_MILLIS", "1000");
        return env;
    }

    private static String machine() {
        return String.format(Locale.ROOT, "%d cores, %s %s, Java %s", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
    }
}
