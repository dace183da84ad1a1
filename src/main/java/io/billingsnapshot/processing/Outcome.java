package io.billingsnapshot.processing;

import io.billingsnapshot.billing.QuotaDelta;
import java.util.Optional;

/** What happened to one message. */
public sealed interface Outcome {

    /** The snapshot was committed, with the delta it recorded in the outbox, if any. */
    record Written(Optional<QuotaDelta> delta, int fkRetries) implements Outcome {
    }

    /** Older than the stored snapshot: acknowledged, nothing written. */
    record Stale() implements Outcome {
    }

    /** Not processed; SQS redelivers it. The reason is safe to log. */
    record Failed(String reason) implements Outcome {
    }
}
