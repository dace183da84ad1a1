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
import java.util.Optional;

/**
 * The Lambda entry point: an SQS batch in, the failed message ids out. It turns the event
 * into a call of {@link BatchProcessor} and holds no business rules. A scheduled invocation
 * with {@code {"Records": []}} only sweeps the outbox.
 */
public final class BillingSnapshotHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Its batch processor and, with SnapStart, its priming: CRaC holds the hook only as long as we do. */
    private final Wiring.Billing function;
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
        this(new Wiring.Billing(processor, Optional.empty()), clock);
    }

    /** A billing function from {@link Wiring}, with its SnapStart priming if it has one. */
    public BillingSnapshotHandler(Wiring.Billing function, Clock clock) {
        this.function = function;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Instant deadline = TimeBudget.deadline(context, clock);
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        try (var requestScope = Invocations.logScope(context)) {
            return function.processor().process(records, deadline);
        }
    }
}
