package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.db.DatabaseConnections;

/**
 * One execution environment of the billing function, made by {@link HandlerFactory}: its
 * handler and the connection it owns. Closing it closes the connection, as a discarded
 * environment would.
 */
public record BillingFunction(BillingSnapshotHandler handler, DatabaseConnections connections)
        implements AutoCloseable {

    /** Handles the event as Lambda would without a context: with Lambda's longest timeout. */
    public SQSBatchResponse handle(SQSEvent event) {
        return handler.handleRequest(event, null);
    }

    @Override
    public void close() {
        connections.close();
    }
}
