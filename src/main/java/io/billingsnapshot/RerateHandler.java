package io.billingsnapshot;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.billingsnapshot.rerate.RerateRequest;
import io.billingsnapshot.rerate.RerateRequestParser;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.time.TimeBudget;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * The operator's entry point for re-rating: a request (a {@code billed_at} range, optionally
 * some models or only unbilled rows, a dry run by default) in, the report out. It validates the
 * request, refusing a bad one before anything is read, and hands it to {@link Rerater}.
 */
public final class RerateHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final Rerater rerater;
    private final Clock clock;

    /** Used by Lambda: reads the environment and builds the clients once per execution environment. */
    public RerateHandler() {
        this(Wiring.rerater(System.getenv(), Clock.systemUTC()), Clock.systemUTC());
    }

    public RerateHandler(Rerater rerater, Clock clock) {
        this.rerater = rerater;
        this.clock = clock;
    }

    /**
     * @throws io.billingsnapshot.rerate.InvalidRerateRequestException for a request that is not valid; nothing is done
     * @throws io.billingsnapshot.rerate.RerateFailedException when a chunk failed; what was committed before it stays
     */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Instant deadline = TimeBudget.deadline(context, clock);
        try (var requestScope = Invocations.logScope(context)) {
            RerateRequest request = RerateRequestParser.parse(event);
            return rerater.rerate(request, deadline).toResponse();
        }
    }
}
