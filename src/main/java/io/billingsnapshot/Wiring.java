package io.billingsnapshot;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.processing.SnapshotWriter;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.quota.OutboxRelay;
import io.billingsnapshot.quota.SqsDeltaPublisher;
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
        return BatchProcessor.create(connections, new MessageParser(),
                new SnapshotWriter(new SnapshotRows(), outbox, deltaIds, config.outboxLease()),
                new OutboxRelay(outbox, publisher, config.outboxLease(), config.outboxSweepLimit()), metrics, clock,
                new BatchProcessor.Settings(config.deadlineReserve(), config.maxFutureSkew(),
                        config.fastPathMinBatchSize()));
    }

    /** The region and credentials come from the SDK's default chains (AWS_REGION, the function's role). */
    private static SqsClient sqsClient(Config config) {
        SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        config.sqsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
