package io.billingsnapshot.soak;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaPublisher;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Cuts invocations off while they publish, after their snapshots and deltas were committed:
 * each {@link #arm()} makes the next publish call die with its invocation, alternately
 * before the deltas reach SQS (they must be swept from the outbox once their lease has
 * passed) and after SQS accepted them but before the outbox rows were deleted (they are
 * swept and published again: a duplicate the consumer dedupes). A cut-off after publishing
 * that meets a failing publish stays armed for the next call, so each one really happens.
 */
final class CrashingPublisher implements DeltaPublisher {

    private final DeltaPublisher delegate;
    private boolean disarmed;
    private long armed;
    private boolean nextAfterPublishing;
    private boolean afterPublishingInFlight;
    private long crashedBeforePublishing;
    private long crashedAfterPublishing;

    CrashingPublisher(DeltaPublisher delegate) {
        this.delegate = delegate;
    }

    /** One more publish call is to die with its invocation. */
    synchronized void arm() {
        armed++;
    }

    @Override
    public Result publish(List<QuotaDelta> deltas, Duration timeLeft) {
        boolean crashAfterPublishing = crashBeforePublishingOrClaimAfter(deltas);
        Result result;
        try {
            result = delegate.publish(deltas, timeLeft);
        } catch (RuntimeException failed) {
            if (crashAfterPublishing) {
                release(false);
            }
            throw failed;
        }
        Set<UUID> accepted = result.accepted();
        if (crashAfterPublishing && accepted.size() < deltas.size()) {
            release(false); // not published after all: the cut-off waits for a publish that gets through
        } else if (crashAfterPublishing) {
            release(true);
            throw new SimulatedLambdaTimeout(
                    "after SQS accepted " + accepted.size() + " deltas, before the outbox delete");
        }
        return result;
    }

    /** Throws when a cut-off before publishing is due; true when this call is to be cut off after it. */
    private synchronized boolean crashBeforePublishingOrClaimAfter(List<QuotaDelta> deltas) {
        if (disarmed || afterPublishingInFlight || crashedBeforePublishing + crashedAfterPublishing >= armed) {
            return false;
        }
        if (nextAfterPublishing) {
            afterPublishingInFlight = true;
            return true;
        }
        crashedBeforePublishing++;
        nextAfterPublishing = true;
        throw new SimulatedLambdaTimeout("after commit, before publishing " + deltas.size() + " deltas");
    }

    private synchronized void release(boolean crashed) {
        afterPublishingInFlight = false;
        if (crashed) {
            crashedAfterPublishing++;
            nextAfterPublishing = false;
        }
    }

    /** Stops crashing (for the final sweep). */
    synchronized void disarm() {
        disarmed = true;
    }

    synchronized long crashedBeforePublishing() {
        return crashedBeforePublishing;
    }

    synchronized long crashedAfterPublishing() {
        return crashedAfterPublishing;
    }
}
