package io.billingsnapshot.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The driver's tallies, updated by every poller thread. */
final class MappingCounters {

    final LongAdder invocations = new LongAdder();
    final LongAdder records = new LongAdder();
    final LongAdder redeliveries = new LongAdder();
    final LongAdder recordsDeleted = new LongAdder();
    final LongAdder failuresReported = new LongAdder();
    final LongAdder invocationsThrown = new LongAdder();
    final LongAdder invocationsTimedOut = new LongAdder();
    final LongAdder invalidResponses = new LongAdder();
    final LongAdder recordsFailedWithTheirBatch = new LongAdder();
    final LongAdder sqsErrors = new LongAdder();
    final LongAdder staleReceipts = new LongAdder();
    private final Map<String, LongAdder> failuresByReason = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    void invocationStarted() {
        invocations.increment();
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    }

    void invocationEnded() {
        running.decrementAndGet();
    }

    void recordFailed(String reason) {
        failuresByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void count(InvocationOutcome outcome) {
        switch (outcome.kind()) {
            case SUCCEEDED -> { }
            case PARTIALLY_FAILED -> failuresReported.add(outcome.failedMessageIds().size());
            case THREW -> invocationsThrown.increment();
            case TIMED_OUT -> invocationsTimedOut.increment();
            case INVALID_RESPONSE -> invalidResponses.increment();
        }
        if (outcome.wholeBatchFailed()) {
            recordsFailedWithTheirBatch.add(outcome.failedMessageIds().size());
        }
    }

    Map<String, Long> failuresByReason() {
        Map<String, Long> snapshot = new TreeMap<>();
        failuresByReason.forEach((reason, count) -> snapshot.put(reason, count.sum()));
        return snapshot;
    }

    int maxConcurrentInvocations() {
        return maxRunning.get();
    }
}
