package io.billingsnapshot;

import com.amazonaws.services.lambda.runtime.Context;
import io.billingsnapshot.logging.JsonLog;

/** What both handlers read from Lambda's context besides the deadline ({@code TimeBudget.deadline}). */
final class Invocations {

    private Invocations() {
    }

    /** Tags the log lines written until the scope closes with the invocation's request id. */
    static JsonLog.RequestScope logScope(Context context) {
        return JsonLog.withRequestId(context == null ? null : context.getAwsRequestId());
    }
}
