package io.billingsnapshot.soak;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Shared by the pollers of one run: the first reason to stop wins. */
final class RunControl {

    private final Instant deadline;
    private final Clock clock;
    private final AtomicReference<StopReason> stopReason = new AtomicReference<>();
    private final AtomicReference<Throwable> pollerFailure = new AtomicReference<>();

    RunControl(Instant deadline, Clock clock) {
        this.deadline = deadline;
        this.clock = clock;
    }

    boolean shouldStop() {
        if (stopReason.get() == null && !clock.instant().isBefore(deadline)) {
            stopReason.compareAndSet(null, StopReason.TIME_BUDGET);
        }
        return stopReason.get() != null || pollerFailure.get() != null;
    }

    void drained() {
        stopReason.compareAndSet(null, StopReason.DRAINED);
    }

    /** A bug in the driver itself (not a handler failure): stops everyone, rethrown by the run. */
    void pollerFailed(Throwable failure) {
        pollerFailure.compareAndSet(null, failure);
    }

    StopReason stopReason() {
        return stopReason.get();
    }

    Throwable pollerFailure() {
        return pollerFailure.get();
    }
}
