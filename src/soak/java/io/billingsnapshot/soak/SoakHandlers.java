package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.HandlerFactory;
import java.time.Clock;
import java.util.Map;

/**
 * Builds real handlers the way Lambda builds one per execution environment, each on its own
 * database connection, from the soak's environment; only the publisher (with the soak's
 * faults around the real SQS one) and the metrics are injected.
 */
final class SoakHandlers implements AutoCloseable {

    private final Map<String, String> environment;
    private final DeltaPublisher publisher;
    private final HandlerFactory functions = new HandlerFactory();

    SoakHandlers(Map<String, String> environment, DeltaPublisher publisher) {
        this.environment = Map.copyOf(environment);
        this.publisher = publisher;
    }

    /** One execution environment: its handler and the connection it owns. */
    BillingFunction newInstance(MetricsFactory metrics) {
        return functions.billing(environment, publisher, metrics, Clock.systemUTC());
    }

    /** A handler for one poller, replaced like a Lambda environment whenever an invocation is killed. */
    RequestHandler<SQSEvent, SQSBatchResponse> restarting(MetricsFactory metrics, ChaosFaults faults) {
        return new RestartingHandler(this, metrics, faults);
    }

    @Override
    public void close() {
        functions.close();
    }
}
