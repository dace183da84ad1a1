package io.billingsnapshot.processing;

import io.billingsnapshot.wire.WireName;

/**
 * Why a record was reported failed (SQS redelivers it). The wire name is the {@code reason}
 * field of the {@code record_failed} log line, which the runbook groups by.
 */
public enum FailureReason implements WireName {
    /** The body breaks the message contract; it cannot succeed on retry. */
    INVALID_MESSAGE(true),
    /** {@code billedAt} lies further ahead of the function's clock than MAX_FUTURE_SKEW_SECONDS allows. */
    BILLED_AT_IN_FUTURE(true),
    /** {@code billedAt} lies further behind the function's clock than MAX_BILLED_AT_AGE_DAYS allows. */
    BILLED_AT_TOO_OLD(true),
    /** The gateway has not committed the request log (yet). */
    REQUEST_LOG_MISSING(false),
    /** On a FIFO source an earlier record of the same message group failed; this one was not processed. */
    EARLIER_MESSAGE_IN_GROUP_FAILED(false),
    /** The invocation's time ran out before the record was written. */
    DEADLINE_REACHED(false),
    /** No connection could be made in this invocation. */
    DATABASE_UNAVAILABLE(false),
    /** The connection broke while the record's transaction ran. */
    DATABASE_CONNECTION_LOST(false),
    /** The database refused the record's write (a constraint, a trigger, a lock timeout...). */
    DATABASE_ERROR(false),
    /** Not stale, yet the database reports no row written (a trigger skipped it, a concurrent delete or insert). */
    NO_ROW_WRITTEN(false),
    /** A bug. */
    INTERNAL_ERROR(false),
    /** The record's delta is committed but SQS did not confirm it; it stays in the outbox. */
    DELTA_PUBLISH_FAILED(false);

    private final boolean invalidMessage;

    FailureReason(boolean invalidMessage) {
        this.invalidMessage = invalidMessage;
    }

    /** A record's failure for this reason: the one way a failure is made. */
    Outcome.Failed failure() {
        return failure("");
    }

    /** @param detail safe to log: never body text, never the server's own message */
    Outcome.Failed failure(String detail) {
        return new Outcome.Failed(this, detail);
    }

    /** Counted in InvalidMessages: the body itself is refused. */
    public boolean invalidMessage() {
        return invalidMessage;
    }

    @Override
    public String toString() {
        return wireName();
    }
}
