package io.billingsnapshot;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.time.TimeBudget;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Lambda entry point: an SQS batch in, the failed message ids out. It turns the event
 * into a call of {@link BatchProcessor} and holds no business rules. A scheduled invocation
 * with {@code {"Records": []}} only sweeps the outbox.
 */
public final class BillingSnapshotHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final BatchProcessor processor;
    private final Clock clock;

    /** Used by Lambda: reads the environment and builds the clients once per execution environment. */
    public BillingSnapshotHandler() {
        this(Wiring.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    /** The handler Lambda would build from this environment; for local runs. */
    public static BillingSnapshotHandler fromEnvironment(Map<String, String> environment) {
        return new BillingSnapshotHandler(Wiring.fromEnvironment(environment), Clock.systemUTC());
    }

    public BillingSnapshotHandler(BatchProcessor processor, Clock clock) {
        this.processor = processor;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Instant deadline = TimeBudget.deadline(context, clock);
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        try (var requestScope = Invocations.logScope(context)) {
            return processor.process(records, deadline);
        }
    }
}
