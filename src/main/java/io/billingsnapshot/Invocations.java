package io.billingsnapshot;

import com.amazonaws.services.lambda.runtime.Context;
import io.billingsnapshot.logging.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** What both handlers read from Lambda's context: the invocation's deadline and its request id. */
final class Invocations {

    /** Without a Lambda context (a test, a local run) an invocation gets Lambda's maximum time. */
    private static final Duration NO_CONTEXT_BUDGET = Duration.ofMinutes(15);

    private Invocations() {
    }

    /** When the invocation times out. */
    static Instant deadline(Context context, Clock clock) {
        return context == null
                ? clock.instant().plus(NO_CONTEXT_BUDGET)
                : clock.instant().plusMillis(context.getRemainingTimeInMillis());
    }

    /** Tags the log lines written until the scope closes with the invocation's request id. */
    static JsonLog.RequestScope logScope(Context context) {
        return JsonLog.withRequestId(context == null ? null : context.getAwsRequestId());
    }
}
