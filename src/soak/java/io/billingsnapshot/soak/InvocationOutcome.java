package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the event source mapping makes of one invocation (ReportBatchItemFailures on):
 * the records to redeliver, and why. A throw, a timeout or a response naming an id that
 * is not in the batch (null, blank or unknown) fails the whole batch, as Lambda does.
 */
record InvocationOutcome(Kind kind, Set<String> failedMessageIds, String wholeBatchReason) {

    enum Kind { SUCCEEDED, PARTIALLY_FAILED, THREW, TIMED_OUT, INVALID_RESPONSE }

    InvocationOutcome {
        failedMessageIds = Set.copyOf(failedMessageIds);
    }

    static InvocationOutcome of(List<String> batchIds, SQSBatchResponse response) {
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return new InvocationOutcome(Kind.SUCCEEDED, Set.of(), null);
        }
        Set<String> failed = new HashSet<>();
        for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            String id = failure == null ? null : failure.getItemIdentifier();
            if (id == null || id.isBlank() || !batchIds.contains(id)) {
                return new InvocationOutcome(Kind.INVALID_RESPONSE, Set.copyOf(batchIds),
                        "invalid batch response: itemIdentifier " + (id == null ? "null" : "'" + id + "'")
                                + " is not a message of the batch");
            }
            failed.add(id);
        }
        return new InvocationOutcome(Kind.PARTIALLY_FAILED, failed, null);
    }

    static InvocationOutcome threw(List<String> batchIds, Throwable thrown) {
        return new InvocationOutcome(Kind.THREW, Set.copyOf(batchIds),
                "invocation threw " + thrown.getClass().getSimpleName());
    }

    static InvocationOutcome timedOut(List<String> batchIds, Duration timeout) {
        return new InvocationOutcome(Kind.TIMED_OUT, Set.copyOf(batchIds),
                "invocation ran past its " + timeout.toMillis() + " ms timeout");
    }

    boolean wholeBatchFailed() {
        return wholeBatchReason != null;
    }

    boolean failed(String messageId) {
        return failedMessageIds.contains(messageId);
    }
}
