package io.billingsnapshot;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.rerate.RerateRequest;
import io.billingsnapshot.rerate.RerateRequestParser;
import io.billingsnapshot.rerate.Rerater;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The operator's entry point for re-rating: a request (a {@code billed_at} range, optionally
 * some models or only unbilled rows, a dry run by default) in, the report out. It validates the
 * request, refusing a bad one before anything is read, and hands it to {@link Rerater}.
 */
public final class RerateHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Without a Lambda context (a test, a local run) the call gets Lambda's maximum time. */
    private static final Duration NO_CONTEXT_BUDGET = Duration.ofMinutes(15);

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
        Instant deadline = context == null
                ? clock.instant().plus(NO_CONTEXT_BUDGET)
                : clock.instant().plusMillis(context.getRemainingTimeInMillis());
        try (var requestScope = JsonLog.withRequestId(context == null ? null : context.getAwsRequestId())) {
            RerateRequest request = RerateRequestParser.parse(event);
            return rerater.rerate(request, deadline).toResponse();
        }
    }
}
