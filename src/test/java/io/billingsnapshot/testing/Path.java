package io.billingsnapshot.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.Config;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.quota.DeltaPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The two granularities of the one write engine, wired as Lambda wires it (from environment
 * variables) with only WHOLE_BATCH_MIN_SIZE set: every record a set of one (the per-message
 * behaviour), or every batch one set, even of one record.
 */
public enum Path {
    PER_MESSAGE("0"),
    SET_BASED("1");

    private final String minBatchSize;

    Path(String minBatchSize) {
        this.minBatchSize = minBatchSize;
    }

    public Map<String, String> environment(Map<String, String> base) {
        Map<String, String> env = new HashMap<>(base);
        env.put(EnvVars.WHOLE_BATCH_MIN_SIZE, minBatchSize);
        return env;
    }

    /** This path's function on its own connection; close it to close the connection. */
    public Function function(Map<String, String> environment, DeltaPublisher publisher, Metrics metrics, Clock clock) {
        Config config = Config.fromEnvironment(environment(environment));
        DatabaseConnections connections = new DatabaseConnections(config.database());
        return new Function(Wiring.create(config, connections, publisher, () -> metrics, clock, UUID::randomUUID),
                connections, clock);
    }

    /** A batch processor and the connection it owns. */
    public record Function(BatchProcessor processor, DatabaseConnections connections, Clock clock)
            implements AutoCloseable {

        /** Processes the event as the handler does without a Lambda context (a long deadline). */
        public SQSBatchResponse handle(SQSEvent event) {
            return processor.process(event.getRecords(), clock.instant().plusSeconds(900));
        }

        public SQSBatchResponse handle(SQSEvent event, Instant deadline) {
            return processor.process(event.getRecords(), deadline);
        }

        @Override
        public void close() {
            connections.close();
        }
    }
}
