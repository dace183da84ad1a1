package io.billingsnapshot.testing;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Config;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.db.PasswordSource;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.store.SnapshotRange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one way tests build the function's handlers: as Lambda builds them once per execution
 * environment, {@link Config} read from an environment and the object graph from the
 * production {@link Wiring}. Only what a test must control is its own: the quota-delta
 * publisher, the metrics and the clock. Each handler has a database connection of its own;
 * closing the factory closes every one it made, and the SQS clients it made.
 */
public final class HandlerFactory implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A billing function publishing through {@code publisher}. */
    public BillingFunction billing(Map<String, String> environment, DeltaPublisher publisher, MetricsFactory metrics,
            Clock clock) {
        Config config = Config.fromEnvironment(environment);
        DatabaseConnections connections = opened(new DatabaseConnections(config.database()));
        return new BillingFunction(new BillingSnapshotHandler(
                Wiring.create(config, connections, publisher, metrics, clock, UUID::randomUUID), clock), connections);
    }

    /**
     * A billing function as Lambda builds it for SnapStart, publishing through {@code sqs} (closed
     * with the factory): its connection and its priming registered with {@code checkpoints}, whose
     * hooks a test calls as the runtime calls them around a snapshot.
     */
    public BillingFunction snapStartBilling(Map<String, String> environment, SqsClient sqs, MetricsFactory metrics,
            Clock clock, Context<Resource> checkpoints) {
        Config config = Config.fromEnvironment(environment);
        DatabaseConnections connections = opened(new DatabaseConnections(config.database(),
                PasswordSource.forSettings(config.database()), checkpoints));
        Wiring.Billing function = Wiring.snapStart(config, connections,
                new SqsDeltaPublisher(opened(sqs), config.quotaDeltaQueueUrl()), metrics, clock, UUID::randomUUID,
                checkpoints);
        return new BillingFunction(new BillingSnapshotHandler(function, clock), connections);
    }

    /**
     * A billing function publishing as Lambda's does: to the environment's quota queue, through
     * {@code sqs} (closed with the factory).
     */
    public BillingFunction billing(Map<String, String> environment, SqsClient sqs, MetricsFactory metrics,
            Clock clock) {
        return billing(environment, sqsPublisher(environment, sqs), metrics, clock);
    }

    /** A re-rate function publishing as Lambda's does, walking {@code chunkRows} rows per chunk. */
    public RerateHandler rerate(Map<String, String> environment, SqsClient sqs, RerateMetrics metrics, Clock clock,
            int chunkRows) {
        return rerate(environment, sqsPublisher(environment, sqs), metrics, clock, chunkRows);
    }

    public RerateHandler rerate(Map<String, String> environment, DeltaPublisher publisher, RerateMetrics metrics,
            Clock clock, int chunkRows) {
        return rerate(environment, new SnapshotRange(), publisher, metrics, clock, chunkRows);
    }

    /** The same, walking {@code range}: a table size limit other than production's. */
    public RerateHandler rerate(Map<String, String> environment, SnapshotRange range, SqsClient sqs,
            RerateMetrics metrics, Clock clock, int chunkRows) {
        return rerate(environment, range, sqsPublisher(environment, sqs), metrics, clock, chunkRows);
    }

    private RerateHandler rerate(Map<String, String> environment, SnapshotRange range, DeltaPublisher publisher,
            RerateMetrics metrics, Clock clock, int chunkRows) {
        Config config = Config.fromEnvironment(environment);
        DatabaseConnections connections = opened(new DatabaseConnections(config.database()));
        return new RerateHandler(Wiring.rerater(config, connections, range, publisher, metrics, clock,
                UUID::randomUUID, chunkRows), clock);
    }

    private DeltaPublisher sqsPublisher(Map<String, String> environment, SqsClient sqs) {
        return new SqsDeltaPublisher(opened(sqs), Config.fromEnvironment(environment).quotaDeltaQueueUrl());
    }

    private synchronized <T extends AutoCloseable> T opened(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable resource : opened) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resource, e);
            }
        }
        opened.clear();
    }
}
