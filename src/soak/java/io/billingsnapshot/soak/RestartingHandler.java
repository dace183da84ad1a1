package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.testing.BillingFunction;

/**
 * One poller's execution environment. When an invocation is killed (an {@link Error}
 * escapes, as at a Lambda timeout) the environment is thrown away and a fresh handler with a
 * fresh connection serves the next batch, as Lambda restarts the runtime. Each invocation
 * reports its start and end to the faults, which are scheduled by that progress.
 */
final class RestartingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final SoakHandlers handlers;
    private final MetricsFactory metrics;
    private final ChaosFaults faults;
    private BillingFunction current;

    RestartingHandler(SoakHandlers handlers, MetricsFactory metrics, ChaosFaults faults) {
        this.handlers = handlers;
        this.metrics = metrics;
        this.faults = faults;
        this.current = handlers.newInstance(metrics);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Invocation invocation = faults.invocationStarting(event.getRecords().stream()
                .map(r -> SentMessage.of(r.getMessageId(), r.getBody()).requestLogId()).toList());
        try {
            return current.handler().handleRequest(event, context);
        } catch (Error killed) {
            current.close();
            current = handlers.newInstance(metrics);
            faults.environmentRestarted();
            throw killed;
        } finally {
            invocation.end();
        }
    }
}
