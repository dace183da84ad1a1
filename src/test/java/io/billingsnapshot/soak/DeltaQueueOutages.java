package io.billingsnapshot.soak;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Takes the quota-delta SQS server down for a while and brings it back, so that publishing
 * fails for real (connection refused, through the SDK's retries) while the source queue,
 * on its own server, keeps feeding the handlers.
 *
 * <p>The embedded server forgets its messages when stopped, so the collector takes them
 * first. Publishing goes through {@link #gate}: no publish runs between that last drain and
 * the stop, or a delta SQS had accepted would be lost by the test, not by the handler.
 */
final class DeltaQueueOutages {

    private final TestSqs server;
    private final DeltaCollector collector;
    private final Duration length;
    private final ReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final AtomicLong outages = new AtomicLong();
    private final AtomicLong downMillis = new AtomicLong();

    DeltaQueueOutages(TestSqs server, DeltaCollector collector, Duration length) {
        this.server = server;
        this.collector = collector;
        this.length = length;
    }

    /** Wraps the real publisher so that {@link #strike()} can stop the server between two publishes. */
    DeltaPublisher gate(DeltaPublisher publisher) {
        return new DeltaPublisher() {
            @Override
            public Set<UUID> publish(List<QuotaDelta> deltas) {
                gate.readLock().lock();
                try {
                    return publisher.publish(deltas);
                } finally {
                    gate.readLock().unlock();
                }
            }
        };
    }

    /** One outage: drain, stop, stay down for the configured length, resume (queues recreated empty). */
    void strike() throws InterruptedException {
        gate.writeLock().lock();
        try {
            collector.drain();
            server.stop();
        } finally {
            gate.writeLock().unlock();
        }
        long started = System.nanoTime();
        try {
            Thread.sleep(length.toMillis());
        } finally {
            server.resume();
            outages.incrementAndGet();
            downMillis.addAndGet((System.nanoTime() - started) / 1_000_000);
        }
    }

    long outages() {
        return outages.get();
    }

    long downMillis() {
        return downMillis.get();
    }
}
