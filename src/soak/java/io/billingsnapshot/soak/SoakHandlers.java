package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.Config;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.DeltaPublisher;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Builds real handlers the way Lambda builds one per execution environment, each on its own
 * database connection, from the soak's environment; only the publisher (with the soak's
 * faults around the real SQS one) and the metrics are injected.
 */
final class SoakHandlers implements AutoCloseable {

    /** One execution environment: its handler and the connection it owns. */
    record Instance(BillingSnapshotHandler handler, DatabaseConnections connections) {
    }

    private final Config config;
    private final DeltaPublisher publisher;
    private final Clock clock = Clock.systemUTC();
    private final List<DatabaseConnections> opened = new CopyOnWriteArrayList<>();

    SoakHandlers(Map<String, String> environment, DeltaPublisher publisher) {
        this.config = Config.fromEnvironment(environment);
        this.publisher = publisher;
    }

    Instance newInstance(MetricsFactory metrics) {
        DatabaseConnections connections = new DatabaseConnections(config.database());
        opened.add(connections);
        BillingSnapshotHandler handler = new BillingSnapshotHandler(
                Wiring.create(config, connections, publisher, metrics, clock, UUID::randomUUID), clock);
        return new Instance(handler, connections);
    }

    /** A handler for one poller, replaced like a Lambda environment whenever an invocation is killed. */
    RequestHandler<SQSEvent, SQSBatchResponse> restarting(MetricsFactory metrics, ChaosFaults faults) {
        return new RestartingHandler(this, metrics, faults);
    }

    @Override
    public void close() {
        opened.forEach(DatabaseConnections::close);
    }
}
