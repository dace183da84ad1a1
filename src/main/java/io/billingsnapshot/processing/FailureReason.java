package io.billingsnapshot.processing;

/**
 * Why a record was reported failed (SQS redelivers it). The wire name is the {@code reason}
 * field of the {@code record_failed} log line, which the runbook groups by.
 */
public enum FailureReason {
    /** The body breaks the message contract; it cannot succeed on retry. */
    INVALID_MESSAGE("invalid_message", true),
    /** {@code billedAt} lies further ahead of the function's clock than MAX_FUTURE_SKEW_SECONDS allows. */
    BILLED_AT_IN_FUTURE("billed_at_in_future", true),
    /** {@code billedAt} lies further behind the function's clock than MAX_BILLED_AT_AGE_DAYS allows. */
    BILLED_AT_TOO_OLD("billed_at_too_old", true),
    /** The gateway has not committed the request log (yet). */
    REQUEST_LOG_MISSING("request_log_missing", false),
    /** On a FIFO source an earlier record of the same message group failed; this one was not processed. */
    EARLIER_MESSAGE_IN_GROUP_FAILED("earlier_message_in_group_failed", false),
    /** The invocation's time ran out before the record was written. */
    DEADLINE_REACHED("deadline_reached", false),
    /** No connection could be made in this invocation. */
    DATABASE_UNAVAILABLE("database_unavailable", false),
    /** The connection broke while the record's transaction ran. */
    DATABASE_CONNECTION_LOST("database_connection_lost", false),
    /** The database refused the record's write (a constraint, a trigger, a lock timeout...). */
    DATABASE_ERROR("database_error", false),
    /** Not stale, yet the database reports no row written (a trigger skipped it, a concurrent delete or insert). */
    NO_ROW_WRITTEN("no_row_written", false),
    /** A bug. */
    INTERNAL_ERROR("internal_error", false),
    /** The record's delta is committed but SQS did not confirm it; it stays in the outbox. */
    DELTA_PUBLISH_FAILED("delta_publish_failed", false);

    private final String wireName;
    private final boolean invalidMessage;

    FailureReason(String wireName, boolean invalidMessage) {
        this.wireName = wireName;
        this.invalidMessage = invalidMessage;
    }

    public String wireName() {
        return wireName;
    }

    /** Counted in InvalidMessages: the body itself is refused. */
    public boolean invalidMessage() {
        return invalidMessage;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
