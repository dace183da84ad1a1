package io.billingsnapshot.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The value rules of docs/design.md §3, one method per field kind. Reasons name the field and
 * the rule and at most the JSON type of the value, never the value itself.
 */
final class FieldRules {

    /** {@code request_billing_snapshots.model} is varchar(255), counted in characters. */
    static final int MAX_MODEL_LENGTH = 255;

    // UUID.fromString alone accepts "1-1-1-1-1"; the column and the gateway use the canonical form.
    private static final Pattern CANONICAL_UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final BigInteger MAX_INT4 = BigInteger.valueOf(Integer.MAX_VALUE);

    private FieldRules() {
    }

    static UUID uuid(String field, JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw invalid(field, "must be a UUID string or null, was " + typeName(value));
        }
        String text = parser.getText();
        if (text.length() != 36 || !CANONICAL_UUID.matcher(text).matches()) {
            throw invalid(field, "not a canonical 8-4-4-4-12 hex UUID");
        }
        return UUID.fromString(text);
    }

    /** Trimmed; blank becomes null ("model missing" is a billing decision, not a parse error). */
    static String model(JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw invalid("model", "must be a string or null, was " + typeName(value));
        }
        String model = parser.getText().strip();
        if (model.isEmpty()) {
            return null;
        }
        if (model.length() > MAX_MODEL_LENGTH && model.codePointCount(0, model.length()) > MAX_MODEL_LENGTH) {
            throw invalid("model", "longer than " + MAX_MODEL_LENGTH + " characters");
        }
        requireStorableText(model);
        return model;
    }

    /**
     * PostgreSQL rejects NUL in text and the driver silently turns an unpaired surrogate into
     * '?'; U+FFFD means the producer decoded bytes in the wrong charset. Each would store a
     * model no price matches, so the message goes to the dead-letter queue instead.
     */
    private static void requireStorableText(String model) throws InvalidMessageException {
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (Character.isISOControl(c)) {
                throw invalid("model", "contains a control character");
            }
            if (c == '\uFFFD') {
                throw invalid("model", "contains U+FFFD (body was decoded from the wrong charset)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < model.length() && Character.isLowSurrogate(model.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid("model", "contains an unpaired UTF-16 surrogate");
            }
        }
    }

    static ServiceTier requestedTier(JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        ServiceTier tier = tier("requestedServiceTier", parser, value, "standard, fast or null");
        if (tier == ServiceTier.UNKNOWN) {
            throw invalid("requestedServiceTier", "must be standard, fast or null");
        }
        return tier;
    }

    /** A null effective tier means {@code unknown}. */
    static ServiceTier effectiveTier(JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        ServiceTier tier = tier("effectiveServiceTier", parser, value, "standard, fast, unknown or null");
        return tier == null ? ServiceTier.UNKNOWN : tier;
    }

    private static ServiceTier tier(String field, JsonParser parser, JsonToken value, String allowed)
            throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw invalid(field, "must be " + allowed + ", was " + typeName(value));
        }
        return ServiceTier.fromWireName(parser.getText())
                .orElseThrow(() -> invalid(field, "must be " + allowed));
    }

    /** A token count: a JSON integer token in 0..2147483647 (int4); null is 0. */
    static int count(String field, JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        String name = "usage." + field;
        if (value == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT) {
            // 1.0 and 1e3 included: the gateway sends integers, a float token means a bug upstream.
            throw invalid(name, "must be an integer, was a fractional or exponent number");
        }
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(name, "must be an integer, was " + typeName(value));
        }
        if (parser.getNumberType() == JsonParser.NumberType.INT) {
            int count = parser.getIntValue();
            if (count < 0) {
                throw invalid(name, "must not be negative");
            }
            return count;
        }
        BigInteger count = parser.getBigIntegerValue();
        if (count.signum() < 0) {
            throw invalid(name, "must not be negative");
        }
        if (count.compareTo(MAX_INT4) > 0) {
            throw invalid(name, "exceeds 2147483647 (int4)");
        }
        return count.intValueExact();
    }

    /** {@code billedAt} as {@link BilledAt} reads it; {@code fallback} when null. */
    static Instant instantOr(JsonParser parser, JsonToken value, Instant fallback)
            throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return fallback;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw invalid("billedAt", "must be an ISO-8601 instant string or null, was " + typeName(value));
        }
        try {
            return BilledAt.parse(parser.getText());
        } catch (BilledAt.OutOfRange e) {
            throw invalid("billedAt", "year outside 1970..9999");
        } catch (DateTimeException e) {
            throw invalid("billedAt", "not an ISO-8601 instant with offset (e.g. 2026-05-23T05:00:00Z)");
        }
    }

    /** The JSON type of a value token, for reasons that must not echo the value. */
    static String typeName(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> "token";
        };
    }

    private static InvalidMessageException invalid(String field, String rule) {
        return new InvalidMessageException(field + ": " + rule);
    }
}
