package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Behaves like the Lambda SQS event source mapping with ReportBatchItemFailures, against
 * a real (embedded) SQS: {@code pollers} concurrent pollers each receive up to
 * {@code batchSize} messages, invoke their own handler instance with the {@link SQSEvent}
 * Lambda would build, delete the records not reported failed and make the failed ones
 * visible again after {@code retryDelaySeconds}. A throw, a timeout or an invalid response
 * fails the whole batch. The queue's redrive policy moves a message received more than
 * {@code maxReceiveCount} times to the DLQ (see {@link SourceQueue}). The run ends when
 * the source queue is drained or the time budget is spent, whichever comes first.
 *
 * <pre>{@code
 * MappingReport report = new EventSourceMappingDriver(sqs, sourceQueue, settings)
 *         .run(() -> new BillingSnapshotHandler(collaborators));
 * }</pre>
 */
public final class EventSourceMappingDriver {

    private final SqsClient sqs;
    private final SourceQueue queue;
    private final MappingSettings settings;
    private Clock clock = Clock.systemUTC();
    private Function<String, Optional<String>> failureReasons = messageId -> Optional.empty();

    public EventSourceMappingDriver(SqsClient sqs, SourceQueue queue, MappingSettings settings) {
        this.sqs = sqs;
        this.queue = queue;
        this.settings = settings;
    }

    /**
     * Where the driver finds the reason a handler gave for failing a record (its log, for
     * example); asked right after each invocation, once per record reported failed.
     */
    public EventSourceMappingDriver withFailureReasons(Function<String, Optional<String>> reasonByMessageId) {
        this.failureReasons = reasonByMessageId;
        return this;
    }

    public EventSourceMappingDriver withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Adapts a plain function, for handlers that ignore the context. */
    public static RequestHandler<SQSEvent, SQSBatchResponse> handler(Function<SQSEvent, SQSBatchResponse> function) {
        return (event, context) -> function.apply(event);
    }

    /** Runs with one handler instance shared by every poller. */
    public MappingReport run(RequestHandler<SQSEvent, SQSBatchResponse> sharedHandler) {
        return run(() -> sharedHandler);
    }

    /**
     * Runs with one handler instance per poller, created up front, as each concurrent
     * execution environment has its own.
     */
    public MappingReport run(Supplier<? extends RequestHandler<SQSEvent, SQSBatchResponse>> handlerPerPoller) {
        Instant start = clock.instant();
        RunControl control = new RunControl(start.plus(settings.timeBudget()), clock);
        MappingCounters counters = new MappingCounters();
        MessageGroupGuard groupGuard = new MessageGroupGuard();
        Map<String, String> lastFailureByMessageId = new ConcurrentHashMap<>();
        Poller.Shared shared = new Poller.Shared(sqs, queue, settings, clock,
                new LambdaSqsEvents(queue.arn(), settings.region()), counters, groupGuard, lastFailureByMessageId,
                failureReasons, control);

        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < settings.pollers(); i++) {
            threads.add(new Thread(new Poller(shared, handlerPerPoller.get()), "esm-poller-" + i));
        }
        threads.forEach(Thread::start);
        joinAll(threads);
        if (control.pollerFailure() != null) {
            throw new IllegalStateException("a poller of the driver failed", control.pollerFailure());
        }

        Duration elapsed = Duration.between(start, clock.instant());
        long leftOnQueue = QueueDepth.of(sqs, queue.url()).total();
        List<DeadLetter> deadLetters = new DeadLetterQueue(sqs, queue.deadLetterUrl()).drain(lastFailureByMessageId);
        return new MappingReport(control.stopReason(), elapsed,
                counters.invocations.sum(), counters.records.sum(), counters.redeliveries.sum(),
                counters.recordsDeleted.sum(), counters.failuresReported.sum(), counters.invocationsThrown.sum(),
                counters.invocationsTimedOut.sum(), counters.invalidResponses.sum(),
                counters.recordsFailedWithTheirBatch.sum(), counters.failuresByReason(),
                counters.maxConcurrentInvocations(), groupGuard.overlaps(),
                counters.sqsErrors.sum(), counters.staleReceipts.sum(), leftOnQueue, deadLetters);
    }

    private static void joinAll(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the pollers were running", e);
            }
        }
    }
}
