package io.billingsnapshot.message;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A billing instant read from text as {@code billed_at} keeps it, whoever sends it (a message's
 * {@code billedAt}, a re-rate request's range): ISO-8601 with an offset ({@code Z} or
 * {@code +08:00}), years 1970 to 9999 in UTC, truncated to the microsecond. Pure.
 */
public final class BilledAt {

    /** The text is an instant, outside the years {@code billed_at} accepts. */
    public static final class OutOfRange extends DateTimeException {
        private static final long serialVersionUID = 1L;

        OutOfRange() {
            super("year outside 1970..9999");
        }
    }

    /**
     * Longer text is no instant (a 9-digit fraction and an offset fit well below); it is refused
     * before it is parsed.
     */
    private static final int MAX_LENGTH = 64;

    private BilledAt() {
    }

    /**
     * @throws OutOfRange when the instant lies outside the years 1970 to 9999 (UTC)
     * @throws DateTimeException when the text is not an instant with an offset
     */
    public static Instant parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new DateTimeException("longer than " + MAX_LENGTH + " characters");
        }
        OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        // No request was billed before the Unix epoch, and java.sql.Timestamp binding (the
        // driver's) shifts dates before the Gregorian switch of 1582 by days. The local year is
        // checked first: converting year 999999999 to UTC would overflow.
        if (time.getYear() < 1969 || time.getYear() > 10_000) {
            throw new OutOfRange();
        }
        int utcYear = time.withOffsetSameInstant(ZoneOffset.UTC).getYear();
        if (utcYear < 1970 || utcYear > 9999) {
            throw new OutOfRange();
        }
        // The column keeps microseconds; truncating here makes every later comparison see what is stored.
        return time.toInstant().truncatedTo(ChronoUnit.MICROS);
    }
}
