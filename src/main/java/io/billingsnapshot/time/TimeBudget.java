package io.billingsnapshot.time;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When each kind of work of one invocation must end, derived from the Lambda deadline, so a
 * stalled dependency cannot hold the invocation past its timeout:
 * <ul>
 *   <li>{@code stopWork}: no record and no re-rate chunk starts, and no outbox sweep claims
 *       deltas, after it ({@code DEADLINE_RESERVE_MILLIS} before the deadline);</li>
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

    /** Without a Lambda context (a test, a local run) an invocation gets Lambda's maximum time. */
    private static final Duration NO_CONTEXT_BUDGET = Duration.ofMinutes(15);

    /** When the invocation times out, as Lambda's context says. */
    public static Instant deadline(Context context, Clock clock) {
        return context == null
                ? clock.instant().plus(NO_CONTEXT_BUDGET)
                : clock.instant().plusMillis(context.getRemainingTimeInMillis());
    }

    public static TimeBudget of(Instant lambdaDeadline, Duration reserve) {
        Duration sixth = reserve.dividedBy(6);
        return new TimeBudget(lambdaDeadline.minus(reserve), lambdaDeadline.minus(sixth.multipliedBy(2)),
                lambdaDeadline.minus(sixth));
    }

    /**
     * When the statements of a re-rate chunk end: halfway from {@code stopWork} to
     * {@code sqsCallsEnd}, so that a chunk started just before the stop can still commit, and
     * publishing its deltas has the other half.
     */
    public Instant chunkStatementsEnd() {
        return stopWork.plus(Duration.between(stopWork, sqsCallsEnd).dividedBy(2));
    }

    /** The time from {@code now} until {@code end}, never negative. */
    public static Duration left(Instant now, Instant end) {
        Duration left = Duration.between(now, end);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
