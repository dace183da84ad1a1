package io.billingsnapshot.processing;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.db.SqlStates;
import io.billingsnapshot.time.Deadline;
import io.billingsnapshot.write.SnapshotWriter;
import java.sql.SQLException;
import java.util.Optional;

/** What happened to one record. */
public sealed interface Outcome {

    /**
     * The snapshot was committed, with the delta it recorded in the outbox, if any.
     *
     * @param unbilled why the row written is unbilled; empty for a billed row
     */
    record Written(Optional<QuotaDelta> delta, Optional<UnbillableReason> unbilled) implements Outcome {
    }

    /** Older than the stored snapshot: acknowledged, nothing written. */
    record Stale() implements Outcome {
    }

    /**
     * Not processed; SQS redelivers it. {@code detail} is safe to log (never body text). Made by
     * {@link FailureReason#failure}.
     */
    record Failed(FailureReason reason, String detail) implements Outcome {

        /** What an exception of a set's transaction means for its records: the detail is the SQLState or the type. */
        static Failed causedBy(Exception e) {
            if (e instanceof SnapshotWriter.RowNotWritten) {
                return FailureReason.NO_ROW_WRITTEN.failure();
            }
            if (e instanceof Deadline.OutOfTime) {
                return FailureReason.DEADLINE_REACHED.failure();
            }
            if (e instanceof SQLException sql) {
                return (SqlStates.isConnectionError(sql) ? FailureReason.DATABASE_CONNECTION_LOST
                        : FailureReason.DATABASE_ERROR).failure(sql.getSQLState());
            }
            return FailureReason.INTERNAL_ERROR.failure(e.getClass().getSimpleName());
        }
    }
}
