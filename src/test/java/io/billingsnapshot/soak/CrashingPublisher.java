package io.billingsnapshot.soak;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaPublisher;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cuts every n-th invocation off while it publishes, after its snapshots and deltas were
 * committed: alternately before the deltas reach SQS (they must be swept from the outbox
 * once their lease has passed) and after SQS accepted them but before the outbox rows were
 * deleted (they are swept and published again: a duplicate the consumer dedupes).
 */
final class CrashingPublisher implements DeltaPublisher {

    private final DeltaPublisher delegate;
    private final int crashEvery;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong crashedBeforePublishing = new AtomicLong();
    private final AtomicLong crashedAfterPublishing = new AtomicLong();

    CrashingPublisher(DeltaPublisher delegate, int crashEvery) {
        this.delegate = delegate;
        this.crashEvery = crashEvery;
    }

    @Override
    public Set<UUID> publish(List<QuotaDelta> deltas) {
        long call = calls.incrementAndGet();
        boolean crash = armed.get() && crashEvery > 0 && call % crashEvery == 0;
        if (crash && (call / crashEvery) % 2 == 1) {
            crashedBeforePublishing.incrementAndGet();
            throw new SimulatedLambdaTimeout("after commit, before publishing " + deltas.size() + " deltas");
        }
        Set<UUID> accepted = delegate.publish(deltas);
        if (crash) {
            crashedAfterPublishing.incrementAndGet();
            throw new SimulatedLambdaTimeout(
                    "after SQS accepted " + accepted.size() + " deltas, before the outbox delete");
        }
        return accepted;
    }

    /** Stops crashing (for the final sweep). */
    void disarm() {
        armed.set(false);
    }

    long crashedBeforePublishing() {
        return crashedBeforePublishing.get();
    }

    long crashedAfterPublishing() {
        return crashedAfterPublishing.get();
    }
}
