package io.billingsnapshot.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The quota-delta message of docs/design.md §6, to and from JSON. */
public final class DeltaJson {

    /** Amounts are parsed as exact decimals, never through a double. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private DeltaJson() {
    }

    public static String write(QuotaDelta delta) {
        ObjectNode root = JSON.createObjectNode();
        root.put("deltaId", delta.deltaId().toString());
        root.put("requestLogId", delta.requestLogId().toString());
        root.put("billedAt", delta.billedAt().toString());
        root.put("currency", delta.currency());
        ArrayNode adjustments = root.putArray("adjustments");
        for (Adjustment a : delta.adjustments()) {
            adjustments.addObject()
                    .put("scope", a.scope().wireName())
                    .put("id", a.id().toString())
                    // A JSON number, plain and without trailing zeros: 10, 2.5, -0.0000000001.
                    .putRawValue("amount", new RawValue(a.amount().stripTrailingZeros().toPlainString()));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigDecimal amount(JsonNode node) {
        return new BigDecimal(node.asText()).setScale(10, RoundingMode.UNNECESSARY);
    }

    /** Reads back what {@link #write} produced (outbox payloads, test consumers). */
    public static QuotaDelta read(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<Adjustment> adjustments = new ArrayList<>();
            for (JsonNode a : root.get("adjustments")) {
                Adjustment.Scope scope = "api_key".equals(a.get("scope").asText())
                        ? Adjustment.Scope.API_KEY : Adjustment.Scope.UPSTREAM;
                adjustments.add(new Adjustment(scope, UUID.fromString(a.get("id").asText()), amount(a.get("amount"))));
            }
            return new QuotaDelta(UUID.fromString(root.get("deltaId").asText()),
                    UUID.fromString(root.get("requestLogId").asText()),
                    Instant.parse(root.get("billedAt").asText()), root.get("currency").asText(), adjustments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
