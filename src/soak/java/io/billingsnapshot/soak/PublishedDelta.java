package io.billingsnapshot.soak;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One quota-delta message as published (docs/design.md §6), in a normal form: amounts without
 * trailing zeros and adjustments sorted, so that two publications are equal exactly when
 * they mean the same thing, however they were written.
 */
record PublishedDelta(UUID deltaId, UUID requestLogId, Instant billedAt, String currency,
        List<Adjustment> adjustments) {

    /** One adjustment of a delta. */
    record Adjustment(AdjustmentTarget target, BigDecimal amount) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Set<String> SCOPES = Set.of(AdjustmentTarget.API_KEY, AdjustmentTarget.UPSTREAM);
    private static final Comparator<Adjustment> ORDER = Comparator
            .comparing((Adjustment a) -> a.target().scope())
            .thenComparing(a -> a.target().id())
            .thenComparing(Adjustment::amount);

    PublishedDelta {
        adjustments = List.copyOf(adjustments);
    }

    /** Parses a published body; anything off the contract is an {@link IllegalArgumentException}. */
    static PublishedDelta parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception notJson) {
            throw new IllegalArgumentException("not JSON: " + notJson.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<Adjustment> adjustments = new ArrayList<>();
        JsonNode list = root.path("adjustments");
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("adjustments must be a non-empty array");
        }
        for (JsonNode adjustment : list) {
            adjustments.add(adjustment(adjustment));
        }
        adjustments.sort(ORDER);
        return new PublishedDelta(uuid(root, "deltaId"), uuid(root, "requestLogId"),
                instant(root, "billedAt"), text(root, "currency"), adjustments);
    }

    private static Adjustment adjustment(JsonNode node) {
        String scope = text(node, "scope");
        if (!SCOPES.contains(scope)) {
            throw new IllegalArgumentException("unknown scope '" + scope + "'");
        }
        JsonNode amount = node.path("amount");
        if (!amount.isNumber()) {
            throw new IllegalArgumentException("amount must be a JSON number");
        }
        return new Adjustment(new AdjustmentTarget(scope, uuid(node, "id")), amount.decimalValue().stripTrailingZeros());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static UUID uuid(JsonNode node, String field) {
        try {
            return UUID.fromString(text(node, field));
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
