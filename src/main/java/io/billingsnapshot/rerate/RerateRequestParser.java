package io.billingsnapshot.rerate;

import io.billingsnapshot.message.BilledAt;
import io.billingsnapshot.store.SnapshotRange;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a re-rate request as Lambda hands it over: the invocation's JSON payload as a map
 * (strings, booleans, numbers, lists, maps). Anything that is not exactly a valid request is
 * refused with a message naming the field and what it expects, so an operator's typo never turns
 * into a run that does something else: unknown fields are refused too. Pure.
 */
public final class RerateRequestParser {

    /** The longest range one call may cover. */
    public static final Duration MAX_RANGE = Duration.ofDays(31);

    static final String FROM = "from";
    static final String TO = "to";
    static final String MODELS = "models";
    static final String ONLY_UNBILLED = "onlyUnbilled";
    static final String DRY_RUN = "dryRun";
    static final String AFTER = "after";
    private static final List<String> FIELDS = List.of(FROM, TO, MODELS, ONLY_UNBILLED, DRY_RUN, AFTER);

    private static final String EXAMPLE = "{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-08T00:00:00Z\"}";
    /** A refused value is quoted up to this length: enough to recognise it, never a wall of text. */
    private static final int MAX_QUOTED = 80;

    private RerateRequestParser() {
    }

    /** @throws InvalidRerateRequestException naming the first field that is wrong */
    public static RerateRequest parse(Map<String, ?> request) {
        if (request == null) {
            throw invalid("the request must be a JSON object such as " + EXAMPLE);
        }
        for (String field : request.keySet()) {
            if (!FIELDS.contains(field)) {
                throw invalid("unknown field " + quote(field) + "; the fields are " + String.join(", ", FIELDS));
            }
        }
        Instant from = instant(request, FROM);
        Instant to = instant(request, TO);
        if (!from.isBefore(to)) {
            throw invalid("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw invalid("the range from " + from + " to " + to + " is longer than " + MAX_RANGE.toDays()
                    + " days; re-rate it in several calls of at most " + MAX_RANGE.toDays() + " days");
        }
        return new RerateRequest(from, to, models(request.get(MODELS)),
                bool(request, ONLY_UNBILLED, false), bool(request, DRY_RUN, true), after(request.get(AFTER), from, to));
    }

    /** An instant as {@code billed_at} keeps it ({@link BilledAt}): a finer fraction than the microsecond is truncated. */
    private static Instant instant(Map<String, ?> request, String field) {
        Object value = request.get(field);
        String expected = "an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z";
        if (value == null) {
            throw invalid("'" + field + "' is required: " + expected);
        }
        if (!(value instanceof String text)) {
            throw invalid("'" + field + "' must be a string holding " + expected + ", got " + typeName(value));
        }
        try {
            return BilledAt.parse(text);
        } catch (BilledAt.OutOfRange e) {
            throw invalid("'" + field + "' must lie in the years 1970 to 9999, got " + quote(text));
        } catch (DateTimeException e) {
            throw invalid("'" + field + "' must be " + expected + ", got " + quote(text));
        }
    }

    /** The models to re-price, trimmed as messages' models are; empty (every model) when absent. */
    private static Set<String> models(Object value) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid("'models' must be a list of model names, such as [\"gpt-4o\"], got " + typeName(value));
        }
        if (list.isEmpty()) {
            throw invalid("'models' is empty: list at least one model, or leave 'models' out to re-rate every model");
        }
        Set<String> models = new TreeSet<>();
        for (Object model : list) {
            if (!(model instanceof String name) || name.isBlank()) {
                throw invalid("'models' must hold model names (non-blank strings), got "
                        + (model instanceof String text ? quote(text) : typeName(model)));
            }
            models.add(name.trim());
        }
        return models;
    }

    private static boolean bool(Map<String, ?> request, String field, boolean absent) {
        Object value = request.get(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Boolean flag)) {
            throw invalid("'" + field + "' must be true or false (a JSON boolean, without quotes), got "
                    + typeName(value) + (value instanceof String text ? " " + quote(text) : ""));
        }
        return flag;
    }

    private static Optional<SnapshotRange.Key> after(Object value, Instant from, Instant to) {
        if (value == null) {
            return Optional.empty();
        }
        String expected = "'after' must be the 'next' of an earlier call (<billed_at>/<request_log_id>), got ";
        if (!(value instanceof String text)) {
            throw invalid(expected + typeName(value));
        }
        SnapshotRange.Key cursor = SnapshotRange.Key.parse(text).orElseThrow(() -> invalid(expected + quote(text)));
        if (cursor.billedAt().isBefore(from) || !cursor.billedAt().isBefore(to)) {
            throw invalid("'after' (" + cursor + ") lies outside [from, to): continue with the 'from' and 'to' "
                    + "of the call that returned it");
        }
        return Optional.of(cursor);
    }

    private static String typeName(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return value == null ? "null" : "a " + value.getClass().getSimpleName();
    }

    private static String quote(String text) {
        return "'" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text) + "'";
    }

    private static InvalidRerateRequestException invalid(String message) {
        return new InvalidRerateRequestException("invalid re-rate request: " + message);
    }
}
