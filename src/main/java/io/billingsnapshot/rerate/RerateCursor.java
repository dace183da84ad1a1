package io.billingsnapshot.rerate;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * A position in the order re-rating walks a range: by {@code billed_at}, then by
 * {@code request_log_id}, both ascending. Its text form is what a report's {@code next} and a
 * request's {@code after} carry: {@code <billed_at as ISO-8601>/<request_log_id>}, readable by
 * an operator, for example {@code 2026-11-30T10:00:00.123456Z/cccccccc-0000-0000-0000-000000000002}.
 *
 * @param billedAt to the microsecond, the column's precision
 */
public record RerateCursor(Instant billedAt, UUID requestLogId) {

    private static final char SEPARATOR = '/';

    public RerateCursor {
        billedAt = billedAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** The cursor of {@link #toString()}'s form; empty for anything else. */
    public static Optional<RerateCursor> parse(String text) {
        int separator = text.lastIndexOf(SEPARATOR);
        if (separator < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RerateCursor(Instant.parse(text.substring(0, separator)),
                    uuid(text.substring(separator + 1))));
        } catch (DateTimeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** UUID.fromString accepts short groups ("1-2-3-4-5"); a cursor holds the canonical form only. */
    private static UUID uuid(String text) {
        UUID id = UUID.fromString(text);
        if (!id.toString().equalsIgnoreCase(text)) {
            throw new IllegalArgumentException("not a canonical uuid");
        }
        return id;
    }

    @Override
    public String toString() {
        return billedAt.toString() + SEPARATOR + requestLogId;
    }
}
