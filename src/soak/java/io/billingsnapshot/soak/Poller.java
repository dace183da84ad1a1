package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.FakeLambdaContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * One poller of the simulated event source mapping: receive a batch, invoke its handler
 * instance, delete what succeeded, hand the failures back to the queue. Loops until the
 * run stops.
 */
final class Poller implements Runnable {

    private static final long IDLE_BACKOFF_MILLIS = 20;

    /** The driver's collaborators and shared state, the same for every poller of a run. */
    record Shared(SqsClient sqs, SourceQueue queue, MappingSettings settings, Clock clock, LambdaSqsEvents events,
            MappingCounters counters, MessageGroupGuard groupGuard, Map<String, String> lastFailureByMessageId,
            Function<String, Optional<String>> failureReasons, RunControl control) {
    }

    private final Shared shared;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

    Poller(Shared shared, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        this.shared = shared;
        this.handler = handler;
    }

    @Override
    public void run() {
        try {
            while (!shared.control().shouldStop()) {
                pollOnce();
            }
        } catch (RuntimeException | Error bug) {
            shared.control().pollerFailed(bug);
        }
    }

    private void pollOnce() {
        try {
            List<Message> batch = receive();
            if (!batch.isEmpty()) {
                settle(batch, invoke(batch));
            } else if (QueueDepth.of(shared.sqs(), shared.queue().url()).drained()) {
                shared.control().drained();
            } else {
                pause();
            }
        } catch (SdkException sqsUnavailable) {
            // Like the real mapping: keep polling; received messages come back after their timeout.
            shared.counters().sqsErrors.increment();
            pause();
        }
    }

    private List<Message> receive() {
        MappingSettings settings = shared.settings();
        return shared.sqs().receiveMessage(r -> r.queueUrl(shared.queue().url())
                .maxNumberOfMessages(settings.batchSize())
                .visibilityTimeout(settings.visibilityTimeoutSeconds())
                .waitTimeSeconds(0)
                .messageSystemAttributeNamesWithStrings("All")
                .messageAttributeNames("All")).messages();
    }

    private InvocationOutcome invoke(List<Message> batch) {
        MappingCounters counters = shared.counters();
        countDeliveries(batch);
        List<String> ids = batch.stream().map(Message::messageId).toList();
        SQSEvent event = shared.events().toEvent(batch);
        FakeLambdaContext context = FakeLambdaContext.startingNow(shared.settings().invocationTimeout(), shared.clock());
        counters.invocationStarted();
        shared.groupGuard().enter(batch);
        try {
            SQSBatchResponse response = handler.handleRequest(event, context);
            if (shared.clock().instant().isAfter(context.deadline())) {
                // Lambda would have killed it: whatever it returned never reaches the mapping.
                return InvocationOutcome.timedOut(ids, shared.settings().invocationTimeout());
            }
            return InvocationOutcome.of(ids, response);
        } catch (Throwable thrown) {
            // The Lambda runtime turns any throwable into a failed invocation.
            return InvocationOutcome.threw(ids, thrown);
        } finally {
            shared.groupGuard().leave(batch);
            counters.invocationEnded();
        }
    }

    private void countDeliveries(List<Message> batch) {
        shared.counters().records.add(batch.size());
        for (Message message : batch) {
            String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            if (count != null && Integer.parseInt(count) > 1) {
                shared.counters().redeliveries.increment();
            }
        }
    }

    private void settle(List<Message> batch, InvocationOutcome outcome) {
        shared.counters().count(outcome);
        List<Message> succeeded = new ArrayList<>();
        List<Message> failed = new ArrayList<>();
        for (Message message : batch) {
            (outcome.failed(message.messageId()) ? failed : succeeded).add(message);
        }
        delete(succeeded);
        failed.forEach(message -> noteFailure(message.messageId(), outcome));
        release(failed);
    }

    private void noteFailure(String messageId, InvocationOutcome outcome) {
        String reason = outcome.wholeBatchFailed()
                ? outcome.wholeBatchReason()
                : shared.failureReasons().apply(messageId).orElse("reported in batchItemFailures");
        shared.lastFailureByMessageId().put(messageId, reason);
        shared.counters().recordFailed(reason);
    }

    private void delete(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        DeleteMessageBatchResponse response = SqsBatches.delete(shared.sqs(), shared.queue().url(), messages);
        shared.counters().recordsDeleted.add(response.successful().size());
        shared.counters().staleReceipts.add(response.failed().size());
    }

    /**
     * Makes failed records visible again after the retry delay, last one first: ElasticMQ
     * blocks a FIFO group only while its head message is in flight, so releasing the head
     * last keeps the group's later records from being handed out ahead of it.
     */
    private void release(List<Message> failed) {
        for (int i = failed.size() - 1; i >= 0; i--) {
            String receipt = failed.get(i).receiptHandle();
            try {
                shared.sqs().changeMessageVisibility(r -> r.queueUrl(shared.queue().url()).receiptHandle(receipt)
                        .visibilityTimeout(shared.settings().retryDelaySeconds()));
            } catch (SqsException refused) {
                shared.counters().staleReceipts.increment();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(IDLE_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
