package io.billingsnapshot.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaJson;
import io.billingsnapshot.testing.ContractSchema;
import io.billingsnapshot.testing.PackedDeltaMessages;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/schemas/quota-delta-message.schema.json against the deltas the real {@link DeltaJson}
 * writes, and {@link ContractSchema#requireValid} as a test that reads published messages uses it.
 */
class QuotaDeltaMessageSchemaTest {

    private static final ContractSchema SCHEMA = ContractSchema.QUOTA_DELTA_MESSAGE;
    private static final UUID KEY = UUID.fromString("aaaaaaaa-0000-4000-8000-000000000001");
    private static final UUID UPSTREAM = UUID.fromString("bbbbbbbb-0000-4000-8000-000000000002");

    @Test
    void acceptsEveryShapeOfDeltaTheFunctionWrites() {
        List<QuotaDelta> deltas = List.of(
                delta(Instant.parse("2026-11-30T10:00:00Z"), adjustment(Adjustment.Scope.API_KEY, KEY, "2.4210000000"),
                        adjustment(Adjustment.Scope.UPSTREAM, UPSTREAM, "2.4210000000")),
                delta(Instant.parse("2026-11-30T10:00:00.123456Z"), adjustment(Adjustment.Scope.API_KEY, KEY, "-0.0000000001")),
                delta(Instant.parse("2026-11-30T10:00:00.100Z"), adjustment(Adjustment.Scope.UPSTREAM, UPSTREAM, "123456789012.5")),
                delta(Instant.parse("1970-01-01T00:00:00Z"), adjustment(Adjustment.Scope.UPSTREAM, UPSTREAM, "10")));

        String message = PackedDeltaMessages.pack(deltas);
        SCHEMA.requireValid(message);
        deltas.forEach(d -> SCHEMA.requireValid(PackedDeltaMessages.pack(d)));
        assertThat(message).contains("\"amount\":-0.0000000001", "\"amount\":10}", "\"billedAt\":\"2026-11-30T10:00:00.123456Z\"");
    }

    @Test
    void acceptsAFullMessageOfAThousandDeltas() {
        List<QuotaDelta> deltas = IntStream.range(0, 1_000).mapToObj(i -> delta(Instant.parse("2026-11-30T10:00:00Z"),
                adjustment(Adjustment.Scope.API_KEY, UUID.randomUUID(), "0.00" + (i + 1)))).toList();

        assertThat(SCHEMA.violations(PackedDeltaMessages.pack(deltas))).isEmpty();
    }

    @Test
    void allowsUnknownFieldsAtEveryLevel() {
        String message = PackedDeltaMessages.pack(delta(Instant.parse("2026-11-30T10:00:00Z"),
                adjustment(Adjustment.Scope.API_KEY, KEY, "1.5")));

        assertThat(SCHEMA.violations(message
                .replace("{\"deltas\":", "{\"version\":2,\"deltas\":")
                .replace("\"currency\":", "\"source\":\"rerate\",\"currency\":")
                .replace("\"scope\":", "\"window\":{\"kind\":\"month\"},\"scope\":"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"deltas\":[]}",
        "{\"deltas\":{}}",
        "[{\"deltas\":[]}]",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\"}]}",
        "{\"deltas\":[{\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"not-a-uuid\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T18:00:00+08:00\",\"currency\":\"USD\",\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-02-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"usd\",\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":null,\"adjustments\":[$A]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[{\"scope\":\"user\",\"id\":\"$R\",\"amount\":1}]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[{\"scope\":\"api_key\",\"id\":\"$R\",\"amount\":0}]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[{\"scope\":\"api_key\",\"id\":\"$R\",\"amount\":0.0}]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[{\"scope\":\"api_key\",\"id\":\"$R\",\"amount\":\"1.5\"}]}]}",
        "{\"deltas\":[{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[{\"scope\":\"api_key\",\"amount\":1.5}]}]}",
        "{\"deltaId\":\"$D\",\"requestLogId\":\"$R\",\"billedAt\":\"2026-11-30T10:00:00Z\",\"currency\":\"USD\",\"adjustments\":[$A]}",
    })
    void rejectsWhatTheContractForbids(String template) {
        String body = template.replace("$D", UUID.randomUUID().toString()).replace("$R", UUID.randomUUID().toString())
                .replace("$A", "{\"scope\":\"api_key\",\"id\":\"" + KEY + "\",\"amount\":1.5}");

        assertThat(SCHEMA.violations(body)).as(body).isNotEmpty();
        assertThatThrownBy(() -> SCHEMA.requireValid(body)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("quota-delta-message.schema.json rejects the message");
    }

    @Test
    void aBareDeltaOfTheOldFormatIsNotAMessage() {
        String bare = DeltaJson.write(delta(Instant.parse("2026-11-30T10:00:00Z"),
                adjustment(Adjustment.Scope.API_KEY, KEY, "1.5")));

        assertThat(SCHEMA.violations(bare)).anyMatch(v -> v.contains("deltas"));
    }

    private static QuotaDelta delta(Instant billedAt, Adjustment... adjustments) {
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), billedAt, "USD", new ArrayList<>(List.of(adjustments)));
    }

    private static Adjustment adjustment(Adjustment.Scope scope, UUID id, String amount) {
        return new Adjustment(scope, id, new BigDecimal(amount));
    }
}
