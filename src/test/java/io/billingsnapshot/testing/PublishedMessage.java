package io.billingsnapshot.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one place the tests, the soak and the local run read a published quota-delta message
 * (docs/design.md §6) into its deltas, as a consumer reads it: {@code {"deltas": [ … ]}} with at
 * least one delta, each with its fields of the right types and at least one adjustment, unknown
 * fields ignored. Written apart from the function's own {@code DeltaJson}, so that a mistake in
 * the writer is not repeated by the reader that checks it. Every body is also validated against
 * the contract's JSON Schema ({@link ContractSchema#QUOTA_DELTA_MESSAGE}), so every message a test,
 * the soak or the local run sees the function publish conforms to docs/schemas. Anything off the
 * contract is an {@link IllegalArgumentException} naming what is wrong.
 */
public final class PublishedMessage {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private PublishedMessage() {
    }

    /** The deltas of one message body, in the order the message carries them. */
    public static List<QuotaDelta> deltas(String body) {
        List<String> violations = ContractSchema.QUOTA_DELTA_MESSAGE.violations(body);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(ContractSchema.QUOTA_DELTA_MESSAGE.fileName() + ": " + violations);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception notJson) {
            throw new IllegalArgumentException("not JSON: " + notJson.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode deltas = root.path("deltas");
        if (!deltas.isArray() || deltas.isEmpty()) {
            throw new IllegalArgumentException("deltas must be a non-empty array");
        }
        List<QuotaDelta> read = new ArrayList<>(deltas.size());
        for (JsonNode delta : deltas) {
            read.add(delta(delta));
        }
        return read;
    }

    private static QuotaDelta delta(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a delta must be an object");
        }
        JsonNode list = node.path("adjustments");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("adjustments must be a non-empty array");
        }
        List<Adjustment> adjustments = new ArrayList<>();
        for (JsonNode adjustment : list) {
            adjustments.add(new Adjustment(scope(text(adjustment, "scope")), uuid(adjustment, "id"), amount(adjustment)));
        }
        return new QuotaDelta(uuid(node, "deltaId"), uuid(node, "requestLogId"), instant(node, "billedAt"),
                text(node, "currency"), adjustments);
    }

    private static Adjustment.Scope scope(String scope) {
        return switch (scope) {
            case "api_key" -> Adjustment.Scope.API_KEY;
            case "upstream" -> Adjustment.Scope.UPSTREAM;
            default -> throw new IllegalArgumentException("unknown scope '" + scope + "'");
        };
    }

    /** A JSON number, exact to 10 decimals (the delta's precision), as the function's amounts are. */
    private static BigDecimal amount(JsonNode adjustment) {
        JsonNode amount = adjustment.path("amount");
        if (!amount.isNumber()) {
            throw new IllegalArgumentException("amount must be a JSON number");
        }
        try {
            return amount.decimalValue().setScale(10, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount has more than 10 decimals: " + amount);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static UUID uuid(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not a UUID");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " is not an ISO-8601 instant");
        }
    }
}
