package io.billingsnapshot.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.testing.ContractSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A quota-delta message as a consumer reads it (docs/asyncapi.yaml, message quotaDeltas): the
 * body must conform to the schema and to the rules the schema cannot express that a consumer
 * can check (amounts exact to 10 decimals, one meaning per deltaId). Written against the
 * contract only, not the function's own classes, as the gateway's consumer would be.
 */
record DeltaMessage(List<Delta> deltas) {

    /** One delta: its id and its adjustments. */
    record Delta(UUID deltaId, String currency, List<Adjustment> adjustments) {
    }

    /** One signed change of one API key's or upstream's used quota. */
    record Adjustment(String scope, UUID subjectId, BigDecimal amount) {
    }

    /** The body breaks the contract: nothing of it is applied. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason);
        }
    }

    private static final int MAX_SCALE = 10;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    DeltaMessage {
        deltas = List.copyOf(deltas);
    }

    static DeltaMessage parse(String body) throws Malformed {
        List<String> violations = ContractSchema.QUOTA_DELTA_MESSAGE.violations(body);
        if (!violations.isEmpty()) {
            throw new Malformed("off the schema: " + violations.get(0));
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed("not JSON"); // the schema check read it already; kept for the compiler
        }
        Map<UUID, Delta> byId = new LinkedHashMap<>();
        for (JsonNode node : root.get("deltas")) {
            Delta delta = delta(node);
            Delta earlier = byId.putIfAbsent(delta.deltaId(), delta);
            if (earlier != null && !earlier.equals(delta)) {
                throw new Malformed("deltaId " + delta.deltaId() + " twice with different contents");
            }
        }
        return new DeltaMessage(new ArrayList<>(byId.values()));
    }

    private static Delta delta(JsonNode node) throws Malformed {
        List<Adjustment> adjustments = new ArrayList<>();
        for (JsonNode a : node.get("adjustments")) {
            BigDecimal amount = a.get("amount").decimalValue().stripTrailingZeros();
            if (amount.scale() > MAX_SCALE) {
                throw new Malformed("an amount has more than " + MAX_SCALE + " decimals");
            }
            adjustments.add(new Adjustment(a.get("scope").asText(), UUID.fromString(a.get("id").asText()), amount));
        }
        return new Delta(UUID.fromString(node.get("deltaId").asText()), node.get("currency").asText(), adjustments);
    }
}
