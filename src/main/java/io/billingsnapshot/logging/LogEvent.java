package io.billingsnapshot.logging;

/**
 * The {@code event} of every log line the function writes, in one place: the runbook's queries
 * and the tests filter on these names.
 */
public final class LogEvent {

    private LogEvent() {
    }

    // An SQS batch
    /** INFO, once per invocation: records, failed, deltas, durationMs. */
    public static final String BATCH_DONE = "batch_done";
    /** WARN, once per failed record: messageId, reason (a {@code FailureReason} wire name), detail. */
    public static final String RECORD_FAILED = "record_failed";
    /** ERROR: a record without a messageId (only a direct invoke makes one): not written, not answered for. */
    public static final String RECORD_WITHOUT_MESSAGE_ID = "record_without_message_id";
    /** INFO: a record older than its stored snapshot, acknowledged and not written. */
    public static final String STALE_MESSAGE = "stale_message";
    /** WARN: a record written with a reference column set NULL after a foreign-key violation. */
    public static final String WRITTEN_AFTER_FK_RETRY = "written_after_fk_retry";
    /** WARN: a set whose transaction failed, rolled back and split in halves. */
    public static final String SET_SPLIT = "set_split";
    /** ERROR: no connection could be made in this invocation. */
    public static final String DATABASE_UNAVAILABLE = "database_unavailable";

    // Quota deltas and the outbox
    /** ERROR: SQS was called, but the outbox could not be updated after it; the deltas stay pending. */
    public static final String DELTA_PUBLISH_BOOKKEEPING_FAILED = "delta_publish_bookkeeping_failed";
    /** ERROR: a SendMessageBatch call failed as a whole. */
    public static final String DELTA_PUBLISH_FAILED = "delta_publish_failed";
    /** WARN: SQS rejected one entry of a SendMessageBatch. */
    public static final String DELTA_PUBLISH_REJECTED = "delta_publish_rejected";
    /** WARN: no SendMessageBatch started, the time left was too short. */
    public static final String DELTA_PUBLISH_SKIPPED = "delta_publish_skipped";
    /** ERROR: a delta set aside because it can never be published. */
    public static final String DELTA_QUARANTINED = "delta_quarantined";
    /** ERROR: the sweep of pending deltas failed. */
    public static final String OUTBOX_SWEEP_FAILED = "outbox_sweep_failed";

    // Re-rating
    public static final String RERATE_STARTED = "rerate_started";
    public static final String RERATE_DONE = "rerate_done";
    /** ERROR: a chunk failed; what was committed before it stays. */
    public static final String RERATE_FAILED = "rerate_failed";
    /** ERROR: the table is too large to walk without the (billed_at, request_log_id) index; nothing read. */
    public static final String RERATE_REFUSED = "rerate_refused";
    /** WARN: deltas of a committed chunk SQS did not take; the billing function's sweep publishes them. */
    public static final String RERATE_DELTAS_PENDING = "rerate_deltas_pending";

    // The execution environment
    /** INFO, before a SnapStart snapshot: a batch's code paths run without side effects; durationMs, records. */
    public static final String SNAPSTART_PRIMED = "snapstart.primed";
    /** WARN, before a SnapStart snapshot: a priming step failed (failedStep, cause); the snapshot is taken all the same. */
    public static final String SNAPSTART_PRIMING_INCOMPLETE = "snapstart.priming_incomplete";
    /** ERROR: an invocation's metrics could not be written. */
    public static final String METRICS_FLUSH_FAILED = "metrics_flush_failed";
    /** A library's own log line, under the library's logger name. */
    public static final String LIBRARY_LOG = "library_log";
    public static final String DB_SETTINGS = "db.settings";
    /** WARN at start: a TLS mode weaker than verify-full. */
    public static final String DB_TLS_WEAKENED = "db.tls.weakened";
    public static final String DB_CONNECTION_OPENED = "db.connection.opened";
    public static final String DB_CONNECTION_FAILED = "db.connection.failed";
    public static final String DB_CONNECTION_CLOSED = "db.connection.closed";
    /** WARN: a statement still waiting at the invocation's database end; its connection is aborted. */
    public static final String DB_CONNECTION_ABORTED = "db.connection.aborted";
    public static final String DB_CONNECTION_ABORT_FAILED = "db.connection.abort_failed";
    /** WARN: a connection came back with a transaction open; it is rolled back. */
    public static final String DB_TRANSACTION_LEFT_OPEN = "db.transaction.left_open";
    /** WARN: no server-side statement_timeout below the socket timeout. */
    public static final String DB_STATEMENT_TIMEOUT_UNBOUNDED = "db.statement_timeout.unbounded";
}
