package io.billingsnapshot;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.processing.SnapshotWriter;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.store.SnapshotRows;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** Builds the function's object graph: from the environment for Lambda, from parts for tests and local runs. */
public final class Wiring {

    private Wiring() {
    }

    static BatchProcessor fromEnvironment(Map<String, String> environment) {
        Config config = Config.fromEnvironment(environment);
        return create(config, new DatabaseConnections(config.database()),
                new SqsDeltaPublisher(sqsClient(config), config.quotaDeltaQueueUrl()),
                EmfMetrics.factory(config.metricsNamespace()), Clock.systemUTC(), UUID::randomUUID);
    }

    public static BatchProcessor create(Config config, DatabaseConnections connections, DeltaPublisher publisher,
            MetricsFactory metrics, Clock clock, Supplier<UUID> deltaIds) {
        Outbox outbox = new Outbox();
        return BatchProcessor.create(connections, new MessageParser(), writer(config, outbox, deltaIds),
                relay(config, outbox, publisher), metrics, clock,
                new BatchProcessor.Settings(config.deadlineReserve(), config.maxFutureSkew(), config.maxBilledAtAge(),
                        config.fastPathMinBatchSize()));
    }

    static Rerater rerater(Map<String, String> environment, Clock clock) {
        Config config = Config.fromEnvironment(environment);
        return rerater(config, new DatabaseConnections(config.database()),
                new SqsDeltaPublisher(sqsClient(config), config.quotaDeltaQueueUrl()),
                RerateMetrics.emf(config.metricsNamespace()), clock, UUID::randomUUID, Rerater.CHUNK_ROWS);
    }

    /** Re-rating writes through the same write step and outbox relay as the messages. */
    public static Rerater rerater(Config config, DatabaseConnections connections, DeltaPublisher publisher,
            RerateMetrics metrics, Clock clock, Supplier<UUID> deltaIds, int chunkRows) {
        Outbox outbox = new Outbox();
        return new Rerater(connections, new SnapshotRange(), new PriceCatalog(), writer(config, outbox, deltaIds),
                relay(config, outbox, publisher), metrics, clock, config.deadlineReserve(), chunkRows);
    }

    private static SnapshotWriter writer(Config config, Outbox outbox, Supplier<UUID> deltaIds) {
        return new SnapshotWriter(new SnapshotRows(), outbox, deltaIds, config.outboxLease());
    }

    private static OutboxRelay relay(Config config, Outbox outbox, DeltaPublisher publisher) {
        return new OutboxRelay(outbox, publisher, config.outboxLease(), config.outboxSweepLimit());
    }

    /** The region and credentials come from the SDK's default chains (AWS_REGION, the function's role). */
    private static SqsClient sqsClient(Config config) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.sqsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
