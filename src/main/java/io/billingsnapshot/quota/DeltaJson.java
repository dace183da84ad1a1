package io.billingsnapshot.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The quota-delta message of SPEC section 6, to and from JSON. */
public final class DeltaJson {

    private static final ObjectMapper JSON = new ObjectMapper();

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
                    .put("amount", a.amount());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads back what {@link #write} produced (outbox payloads, test consumers). */
    public static QuotaDelta read(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<Adjustment> adjustments = new ArrayList<>();
            for (JsonNode a : root.get("adjustments")) {
                Adjustment.Scope scope = "api_key".equals(a.get("scope").asText())
                        ? Adjustment.Scope.API_KEY : Adjustment.Scope.UPSTREAM;
                adjustments.add(new Adjustment(scope, UUID.fromString(a.get("id").asText()), a.get("amount").decimalValue()));
            }
            return new QuotaDelta(UUID.fromString(root.get("deltaId").asText()),
                    UUID.fromString(root.get("requestLogId").asText()),
                    Instant.parse(root.get("billedAt").asText()), root.get("currency").asText(), adjustments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
