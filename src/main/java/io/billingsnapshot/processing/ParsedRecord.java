package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.message.InvalidMessageException;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.message.RequestCompletion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One SQS record of the batch, at its position: its message, or why it was refused before
 * any database work. Parsed once per invocation, whatever sets it then takes part in.
 */
record ParsedRecord(int index, SQSMessage record, Optional<RequestCompletion> message,
        Optional<Outcome.Failed> refused) {

    /**
     * @param now the function's clock when the batch started
     * @param settings how far ahead of and behind {@code now} a {@code billedAt} may be
     */
    static ParsedRecord parse(MessageParser parser, int index, SQSMessage record, Instant now,
            BatchProcessor.Settings settings) {
        try {
            RequestCompletion message = parser.parse(record.getBody(), Records.sentTimestamp(record, now));
            // At the microsecond, the precision billedAt was truncated to when parsed.
            Instant clock = now.truncatedTo(ChronoUnit.MICROS);
            if (message.billedAt().isAfter(clock.plus(settings.maxFutureSkew()))) {
                return refused(index, record, FailureReason.BILLED_AT_IN_FUTURE.failure());
            }
            if (message.billedAt().isBefore(clock.minus(settings.maxBilledAtAge()))) {
                return refused(index, record, FailureReason.BILLED_AT_TOO_OLD.failure());
            }
            return new ParsedRecord(index, record, Optional.of(message), Optional.empty());
        } catch (InvalidMessageException e) {
            return refused(index, record, FailureReason.INVALID_MESSAGE.failure(e.reason()));
        }
    }

    private static ParsedRecord refused(int index, SQSMessage record, Outcome.Failed why) {
        return new ParsedRecord(index, record, Optional.empty(), Optional.of(why));
    }
}
