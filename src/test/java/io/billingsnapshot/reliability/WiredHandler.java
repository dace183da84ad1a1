package io.billingsnapshot.reliability;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.Config;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.TestSqs;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A handler wired as Lambda wires it, from an environment the test chooses (its own database
 * URL, a deadline reserve), with the test's clock and metrics. Closing it closes its
 * connection and SQS client.
 */
final class WiredHandler implements AutoCloseable {

    final BillingSnapshotHandler handler;
    private final DatabaseConnections connections;
    private final SqsClient sqs;

    WiredHandler(Map<String, String> environment, TestSqs testSqs, Clock clock, MetricsFactory metrics) {
        Config config = Config.fromEnvironment(environment);
        connections = new DatabaseConnections(config.database());
        sqs = testSqs.client();
        handler = new BillingSnapshotHandler(Wiring.create(config, connections,
                new SqsDeltaPublisher(sqs, config.quotaDeltaQueueUrl()), metrics, clock, UUID::randomUUID), clock);
    }

    @Override
    public void close() {
        connections.close();
        sqs.close();
    }
}
