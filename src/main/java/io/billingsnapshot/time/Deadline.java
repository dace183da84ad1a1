package io.billingsnapshot.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When a set of records or a re-rate chunk must stop, and how long its next statement may wait. */
public final class Deadline {

    /** The stop time came before a statement that may wait. */
    public static final class OutOfTime extends Exception {
        OutOfTime() {
            super("deadline reached", null, false, false);
        }
    }

    private final Instant stopAt;
    private final Clock clock;

    public Deadline(Instant stopAt, Clock clock) {
        this.stopAt = stopAt;
        this.clock = clock;
    }

    public boolean passed() {
        return !clock.instant().isBefore(stopAt);
    }

    /** Time left for the next statement; a statement waiting past it is cancelled. */
    public Duration remaining() throws OutOfTime {
        Duration left = Duration.between(clock.instant(), stopAt);
        if (left.isNegative() || left.isZero()) {
            throw new OutOfTime();
        }
        return left;
    }
}
