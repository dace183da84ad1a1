package io.billingsnapshot.quota;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One quota delta of docs/design.md §6, to and from JSON: the text an outbox row stores and a
 * published message carries, byte for byte ({@link DeltaMessage} packs several into one message).
 */
public final class DeltaJson {

    /** Amounts are parsed as exact decimals, never through a double. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private DeltaJson() {
    }

    /**
     * The delta's JSON object, fields in a fixed order and no white space, so the same delta is
     * always the same text. Written by hand: it runs once per delta on the batch's hot path, and
     * every value but the currency is a UUID, an instant or a number, which need no escaping.
     */
    public static String write(QuotaDelta delta) {
        StringBuilder json = new StringBuilder(160 + 110 * delta.adjustments().size());
        json.append("{\"deltaId\":\"").append(delta.deltaId())
                .append("\",\"requestLogId\":\"").append(delta.requestLogId())
                .append("\",\"billedAt\":\"").append(delta.billedAt())
                .append("\",\"currency\":\"").append(JsonStringEncoder.getInstance().quoteAsString(delta.currency()))
                .append("\",\"adjustments\":[");
        for (int i = 0; i < delta.adjustments().size(); i++) {
            Adjustment a = delta.adjustments().get(i);
            json.append(i == 0 ? "" : ",").append("{\"scope\":\"").append(a.scope().wireName())
                    .append("\",\"id\":\"").append(a.id())
                    // A JSON number, plain and without trailing zeros: 10, 2.5, -0.0000000001.
                    .append("\",\"amount\":").append(a.amount().stripTrailingZeros().toPlainString()).append('}');
        }
        return json.append("]}").toString();
    }

    /**
     * Reads back what {@link #write} produced (outbox payloads). Anything else, an unknown scope
     * included, is an {@link IllegalArgumentException}: such a delta is set aside, never guessed.
     */
    public static QuotaDelta read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (root == null || !root.isObject() || !root.path("adjustments").isArray()) {
            throw new IllegalArgumentException("not a delta object with adjustments");
        }
        try {
            List<Adjustment> adjustments = new ArrayList<>();
            for (JsonNode a : root.get("adjustments")) {
                adjustments.add(new Adjustment(scope(text(a, "scope")), UUID.fromString(text(a, "id")), amount(a)));
            }
            return new QuotaDelta(UUID.fromString(text(root, "deltaId")), UUID.fromString(text(root, "requestLogId")),
                    Instant.parse(text(root, "billedAt")), text(root, "currency"), adjustments);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // an instant that does not parse, an amount beyond 10 decimals
            throw new IllegalArgumentException("a field of the delta is malformed", e);
        }
    }

    private static Adjustment.Scope scope(String wireName) {
        for (Adjustment.Scope scope : Adjustment.Scope.values()) {
            if (scope.wireName().equals(wireName)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + wireName + "'");
    }

    private static BigDecimal amount(JsonNode adjustment) {
        JsonNode amount = adjustment.path("amount");
        if (!amount.isNumber()) {
            throw new IllegalArgumentException("amount is not a number");
        }
        return amount.decimalValue().setScale(10, RoundingMode.UNNECESSARY);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return value.asText();
    }
}
