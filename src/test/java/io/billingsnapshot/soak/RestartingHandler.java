package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.testing.RecordingMetrics;
import java.util.List;
import java.util.UUID;

/**
 * One poller's execution environment. When an invocation is killed (an {@link Error}
 * escapes, as at a Lambda timeout) the environment is thrown away and a fresh handler with a
 * fresh connection serves the next batch, as Lambda restarts the runtime. It also tells the
 * chaos deleter which requests it is about to bill: the handler counts MessagesProcessed as
 * it starts each record, so the current invocation's metrics say how far it got.
 */
final class RestartingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final SoakHandlers handlers;
    private final InFlightRequests inFlight;
    private final Runnable onRestart;
    private final MetricsFactory progress;
    private volatile RecordingMetrics currentInvocation = new RecordingMetrics();
    private SoakHandlers.Instance current;

    RestartingHandler(SoakHandlers handlers, RecordingMetrics.Factory metrics, InFlightRequests inFlight,
            Runnable onRestart) {
        this.handlers = handlers;
        this.inFlight = inFlight;
        this.onRestart = onRestart;
        this.progress = () -> {
            Metrics invocation = metrics.newInvocation();
            currentInvocation = (RecordingMetrics) invocation;
            return invocation;
        };
        this.current = handlers.newInstance(progress);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<UUID> requestLogIds = event.getRecords().stream()
                .map(r -> SentMessage.of(r.getMessageId(), r.getBody()).requestLogId()).toList();
        currentInvocation = new RecordingMetrics();
        inFlight.enter(this, requestLogIds, () -> (int) currentInvocation.counted(Metric.MESSAGES_PROCESSED));
        try {
            return current.handler().handleRequest(event, context);
        } catch (Error killed) {
            current.connections().close();
            current = handlers.newInstance(progress);
            onRestart.run();
            throw killed;
        } finally {
            inFlight.leave(this);
        }
    }
}
