package io.billingsnapshot;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.priming.SnapStartPriming;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.processing.WriteEngine;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.RequestLogs;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.store.SnapshotRows;
import io.billingsnapshot.write.DeltaDelivery;
import io.billingsnapshot.write.ModelCatalogs;
import io.billingsnapshot.write.SnapshotWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** Builds the function's object graph: from the environment for Lambda, from parts for tests and local runs. */
public final class Wiring {

    private Wiring() {
    }

    /**
     * The billing function of one execution environment: its batch processor and, built for
     * SnapStart, its priming (CRaC holds hooks weakly: whoever holds the processor holds this too).
     */
    public record Billing(BatchProcessor processor, Optional<SnapStartPriming> priming) {
    }

    static Billing fromEnvironment(Map<String, String> environment) {
        Config config = configure(environment);
        return snapStart(config, new DatabaseConnections(config.database()), publisher(config),
                EmfMetrics.factory(config.metricsNamespace()), Clock.systemUTC(), UUID::randomUUID,
                Core.getGlobalContext());
    }

    /**
     * The billing function as Lambda runs it with SnapStart: {@link #create}, and its priming
     * registered with the checkpoint context, so that before Lambda snapshots the initialised
     * function the batch's code paths run without side effects. Without SnapStart no hook is
     * called and nothing changes. (Re-rating has no priming: it runs without SnapStart, and its
     * long calls would not notice a warm-up.)
     */
    public static Billing snapStart(Config config, DatabaseConnections connections, SqsDeltaPublisher publisher,
            MetricsFactory metrics, Clock clock, Supplier<UUID> deltaIds, Context<Resource> checkpoints) {
        BatchProcessor processor = create(config, connections, publisher, metrics, clock, deltaIds);
        SnapStartPriming priming = new SnapStartPriming(processor, connections, publisher, config.metricsNamespace(),
                clock);
        checkpoints.register(priming);
        return new Billing(processor, Optional.of(priming));
    }

    public static BatchProcessor create(Config config, DatabaseConnections connections, DeltaPublisher publisher,
            MetricsFactory metrics, Clock clock, Supplier<UUID> deltaIds) {
        Outbox outbox = new Outbox();
        OutboxRelay relay = relay(config, outbox, publisher);
        WriteEngine engine = new WriteEngine(new RequestLogs(), new ModelCatalogs(new PriceCatalog()),
                writer(config, outbox, deltaIds));
        return new BatchProcessor(connections, new MessageParser(), engine, new DeltaDelivery(relay, clock), relay,
                metrics, clock, new BatchProcessor.Settings(config.deadlineReserve(), config.maxFutureSkew(),
                        config.maxBilledAtAge(), config.wholeBatchMinSize()));
    }

    static Rerater rerater(Map<String, String> environment, Clock clock) {
        Config config = configure(environment);
        return rerater(config, new DatabaseConnections(config.database()), publisher(config),
                RerateMetrics.emf(config.metricsNamespace()), clock, UUID::randomUUID, Rerater.CHUNK_ROWS);
    }

    /** Re-rating writes through the same write step and publishes through the same outbox relay as the messages. */
    public static Rerater rerater(Config config, DatabaseConnections connections, DeltaPublisher publisher,
            RerateMetrics metrics, Clock clock, Supplier<UUID> deltaIds, int chunkRows) {
        return rerater(config, connections, new SnapshotRange(), publisher, metrics, clock, deltaIds, chunkRows);
    }

    /** The same over a given range: tests and benchmarks set how large a table it walks without the index. */
    public static Rerater rerater(Config config, DatabaseConnections connections, SnapshotRange range,
            DeltaPublisher publisher, RerateMetrics metrics, Clock clock, Supplier<UUID> deltaIds, int chunkRows) {
        Outbox outbox = new Outbox();
        return new Rerater(connections, range, new ModelCatalogs(new PriceCatalog()),
                writer(config, outbox, deltaIds), new DeltaDelivery(relay(config, outbox, publisher), clock), metrics,
                clock, config.deadlineReserve(), chunkRows);
    }

    /** The execution environment's configuration; the log level is set from it first, for every line after. */
    static Config configure(Map<String, String> environment) {
        JsonLog.setThreshold(JsonLog.levelFrom(environment));
        return Config.fromEnvironment(environment);
    }

    private static SnapshotWriter writer(Config config, Outbox outbox, Supplier<UUID> deltaIds) {
        return new SnapshotWriter(new SnapshotRows(), outbox, deltaIds, config.outboxLease());
    }

    private static OutboxRelay relay(Config config, Outbox outbox, DeltaPublisher publisher) {
        return new OutboxRelay(outbox, publisher, config.outboxLease(), config.outboxSweepLimit());
    }

    private static SqsDeltaPublisher publisher(Config config) {
        return new SqsDeltaPublisher(sqsClient(config), config.quotaDeltaQueueUrl(), config.quotaDeltaMaxMessageBytes());
    }

    /** The region and credentials come from the SDK's default chains (AWS_REGION, the function's role). */
    private static SqsClient sqsClient(Config config) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.sqsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
