package io.billingsnapshot;

import io.billingsnapshot.config.Config;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.processing.SetBasedBatch;
import io.billingsnapshot.processing.SingleMessageProcessor;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.RerateWriter;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.store.CatalogCache;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.RequestLogs;
import io.billingsnapshot.store.SnapshotBatchSql;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.store.SnapshotTable;
import java.time.Clock;
import java.time.Duration;
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
        MessageParser parser = new MessageParser();
        SingleMessageProcessor processor = new SingleMessageProcessor(new RequestLogs(), new PriceCatalog(),
                new SnapshotTable(), outbox, deltaIds, config.outboxLease());
        SetBasedBatch setBased = new SetBasedBatch(parser, new SnapshotBatchSql(),
                new CatalogCache(config.priceCacheTtl()), outbox, deltaIds, config.outboxLease(),
                config.fastPathMinBatchSize(), clock);
        return new BatchProcessor(connections, parser, processor, setBased,
                new OutboxRelay(outbox, publisher, config.outboxLease(), config.outboxSweepLimit()),
                metrics, clock, config.deadlineReserve());
    }

    static Rerater rerater(Map<String, String> environment, Clock clock) {
        Config config = Config.fromEnvironment(environment);
        return rerater(config, new DatabaseConnections(config.database()),
                new SqsDeltaPublisher(sqsClient(config), config.quotaDeltaQueueUrl()),
                RerateMetrics.emf(config.metricsNamespace()), clock, UUID::randomUUID, Rerater.CHUNK_ROWS);
    }

    public static Rerater rerater(Config config, DatabaseConnections connections, DeltaPublisher publisher,
            RerateMetrics metrics, Clock clock, Supplier<UUID> deltaIds, int chunkRows) {
        Outbox outbox = new Outbox();
        // Catalog read in every chunk's transaction: a price fixed during a run applies from the next chunk.
        return new Rerater(connections, new SnapshotRange(), new CatalogCache(Duration.ZERO),
                new RerateWriter(new SnapshotBatchSql(), outbox, deltaIds, config.outboxLease()),
                new OutboxRelay(outbox, publisher, config.outboxLease(), config.outboxSweepLimit()),
                metrics, clock, config.deadlineReserve(), chunkRows);
    }

    /** The region and credentials come from the SDK's default chains (AWS_REGION, the function's role). */
    private static SqsClient sqsClient(Config config) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.sqsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
