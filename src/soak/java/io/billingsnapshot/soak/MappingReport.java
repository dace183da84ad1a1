package io.billingsnapshot.soak;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one driver run did.
 *
 * @param records                     records delivered to the handler, redeliveries included
 * @param redeliveries                records delivered with ApproximateReceiveCount above 1
 * @param recordsDeleted              records acknowledged (deleted from the source queue)
 * @param failuresReported            records the handler listed in batchItemFailures
 * @param recordsFailedWithTheirBatch records redelivered because their whole invocation failed
 * @param failuresByReason            every failed record by reason (handler-given or the driver's)
 * @param groupOverlaps               times a FIFO group was in two invocations at once (must be 0)
 * @param staleReceipts               deletes or visibility changes the queue refused, typically
 *                                    because the visibility timeout expired during the invocation
 * @param leftOnQueue                 visible plus in-flight messages when the driver stopped
 * @param deadLetters                 the messages found in the DLQ after the run (then deleted)
 */
public record MappingReport(
        StopReason stoppedBy,
        Duration elapsed,
        long invocations,
        long records,
        long redeliveries,
        long recordsDeleted,
        long failuresReported,
        long invocationsThrown,
        long invocationsTimedOut,
        long invalidResponses,
        long recordsFailedWithTheirBatch,
        Map<String, Long> failuresByReason,
        int maxConcurrentInvocations,
        long groupOverlaps,
        long sqsErrors,
        long staleReceipts,
        long leftOnQueue,
        List<DeadLetter> deadLetters) {

    public MappingReport {
        failuresByReason = Map.copyOf(failuresByReason);
        deadLetters = List.copyOf(deadLetters);
    }

    public String summary() {
        String reasons = failuresByReason.isEmpty() ? "none" : failuresByReason.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, """
                Event source mapping: stopped by %s after %d ms
                  invocations   : %d (max %d at once; %d threw, %d timed out, %d invalid responses)
                  records       : %d delivered, %d redeliveries, %d deleted
                  failures      : %d reported by the handler, %d failed with their batch
                  by reason     : %s
                  dead letters  : %d
                  FIFO overlaps : %d
                  SQS trouble   : %d errors, %d stale receipts
                  left on queue : %d
                """, stoppedBy, elapsed.toMillis(),
                invocations, maxConcurrentInvocations, invocationsThrown, invocationsTimedOut, invalidResponses,
                records, redeliveries, recordsDeleted,
                failuresReported, recordsFailedWithTheirBatch,
                reasons, deadLetters.size(), groupOverlaps, sqsErrors, staleReceipts, leftOnQueue);
    }
}
