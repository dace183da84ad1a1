package io.billingsnapshot.message;

import java.time.Instant;
import java.util.UUID;

/**
 * A validated request-completion message (docs/design.md §3).
 *
 * @param model trimmed; null when the message had none or only blanks
 * @param requestedServiceTier {@code STANDARD}, {@code FAST} or null, stored as given
 * @param effectiveServiceTier never null: a null in the message means {@code UNKNOWN}
 * @param billedAt the message's {@code billedAt}, else the SQS record's SentTimestamp
 */
public record RequestCompletion(
        UUID requestLogId,
        UUID apiKeyId,
        UUID upstreamId,
        UUID userId,
        String model,
        ServiceTier requestedServiceTier,
        ServiceTier effectiveServiceTier,
        Usage usage,
        Instant billedAt) {
}
