package io.billingsnapshot.config;

import java.time.Duration;
import java.time.Instant;

/**
 * When each kind of work of one invocation must end, derived from the Lambda deadline, so a
 * stalled dependency cannot hold the invocation past its timeout:
 * <ul>
 *   <li>{@code stopWork}: no record starts and no outbox sweep claims deltas after it
 *       ({@code DEADLINE_RESERVE_MILLIS} before the deadline);</li>
 *   <li>{@code sqsCallsEnd}: every SQS call is over by then, leaving time to record in the
 *       outbox what SQS did or did not confirm;</li>
 *   <li>{@code databaseCallsEnd}: every database wait is over by then (a statement still
 *       waiting has its connection aborted), leaving time to answer.</li>
 * </ul>
 * Of the reserve, the first two thirds are for the records still running at {@code stopWork}
 * and the SQS calls of the batch's deltas, the next sixth for the outbox bookkeeping after them,
 * the last sixth for answering. The reserve is configured for the deployment's latencies, so
 * the margins scale with it.
 */
public record TimeBudget(Instant stopWork, Instant sqsCallsEnd, Instant databaseCallsEnd) {

    public static TimeBudget of(Instant lambdaDeadline, Duration reserve) {
        Duration sixth = reserve.dividedBy(6);
        return new TimeBudget(lambdaDeadline.minus(reserve), lambdaDeadline.minus(sixth.multipliedBy(2)),
                lambdaDeadline.minus(sixth));
    }

    /** The time from {@code now} until {@code end}, never negative. */
    public static Duration left(Instant now, Instant end) {
        Duration left = Duration.between(now, end);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
