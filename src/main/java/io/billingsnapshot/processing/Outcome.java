package io.billingsnapshot.processing;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import java.util.Optional;

/** What happened to one record. */
public sealed interface Outcome {

    /**
     * The snapshot was committed, with the delta it recorded in the outbox, if any.
     *
     * @param nulledByRetry the reference column the FK retry set NULL, if it ran
     * @param unbilled why the row written is unbilled; empty for a billed row
     */
    record Written(Optional<QuotaDelta> delta, Optional<ReferenceColumn> nulledByRetry,
            Optional<UnbillableReason> unbilled) implements Outcome {
    }

    /** Older than the stored snapshot: acknowledged, nothing written. */
    record Stale() implements Outcome {
    }

    /** Not processed; SQS redelivers it. {@code detail} is safe to log (never body text). */
    record Failed(FailureReason reason, String detail) implements Outcome {

        Failed(FailureReason reason) {
            this(reason, "");
        }
    }
}
