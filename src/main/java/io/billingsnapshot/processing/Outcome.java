package io.billingsnapshot.processing;

import io.billingsnapshot.billing.QuotaDelta;
import java.util.Optional;

/** What happened to one record. */
public sealed interface Outcome {

    /** The snapshot was committed, with the delta it recorded in the outbox, if any. */
    record Written(Optional<QuotaDelta> delta) implements Outcome {
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
