package io.billingsnapshot.soak;

import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * Takes the quota-delta SQS server down until a number of publish calls have failed against
 * it (connection refused, through the SDK's retries) and brings it back, while the source
 * queue, on its own server, keeps feeding the handlers.
 *
 * <p>The embedded server forgets its messages when stopped, so the collector takes them
 * first. Publishing goes through {@link #gate}: no publish runs between that last drain and
 * the stop, or a delta SQS had accepted would be lost by the test, not by the handler.
 */
final class DeltaQueueOutages {

    private final TestSqs server;
    private final DeltaCollector collector;
    private final FailedPublishes failedPublishes;
    private final int failuresPerOutage;
    private final Duration hangLimit;
    private final BooleanSupplier stopping;
    private final ReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong failedWhileDown = new AtomicLong();

    DeltaQueueOutages(TestSqs server, DeltaCollector collector, FailedPublishes failedPublishes,
            ChaosSettings settings, BooleanSupplier stopping) {
        this.server = server;
        this.collector = collector;
        this.failedPublishes = failedPublishes;
        this.failuresPerOutage = settings.outageFailures();
        this.hangLimit = settings.hangLimit();
        this.stopping = stopping;
    }

    /** Wraps the real publisher so that {@link #strike} can stop the server between two publishes. */
    DeltaPublisher gate(DeltaPublisher publisher) {
        return (deltas, timeLeft) -> {
            gate.readLock().lock();
            try {
                return publisher.publish(deltas, timeLeft);
            } finally {
                gate.readLock().unlock();
            }
        };
    }

    /** One outage: drain, stop, stay down until enough publishes failed, resume (queues recreated empty). */
    void strike(Invocation trigger) throws Exception {
        long failedBefore;
        gate.writeLock().lock();
        try {
            collector.drain();
            server.stop();
            failedBefore = failedPublishes.count();
        } finally {
            gate.writeLock().unlock();
        }
        try {
            outages.incrementAndGet();
            failedPublishes.awaitMore(failedBefore, failuresPerOutage, hangLimit, stopping);
        } finally {
            failedWhileDown.addAndGet(failedPublishes.count() - failedBefore);
            server.resume();
        }
    }

    long outages() {
        return outages.get();
    }

    /** Publish calls that failed while the server was down. */
    long failedWhileDown() {
        return failedWhileDown.get();
    }
}
